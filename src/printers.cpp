// printers: CSV and terminal table writers.
#include "wmihunt/printers.hpp"

#include "wmihunt/timefmt.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>

namespace wmihunt {

namespace {

// Length of the valid UTF-8 sequence starting at text[pos], or 0 when it is invalid.
size_t utf8_sequence_length(std::string_view text, size_t pos) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(pos);
    size_t length = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 0;
    if (length == 0 || pos + length > text.size())
        return 0;
    for (size_t i = 1; i < length; ++i)
        if ((byte(pos + i) & 0xC0) != 0x80)
            return 0;
    uint32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t i = 1; i < length; ++i)
        cp = (cp << 6) | (byte(pos + i) & 0x3F);
    static constexpr uint32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    // C1 controls (U+0080..U+009F) can act as escape sequences on some terminals.
    if (cp >= 0x80 && cp <= 0x9F)
        return 0;
    return length;
}

// Number of characters (code points) in an escaped, valid UTF-8 string.
size_t display_width(std::string_view text) {
    size_t width = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80)
            ++width;
    return width;
}

std::string cut(const std::string& text, size_t max_width) {
    if (display_width(text) <= max_width)
        return text;
    size_t width = 0;
    size_t pos = 0;
    while (pos < text.size() && width + 1 < max_width) {
        size_t length = 1;
        while (pos + length < text.size() &&
               (static_cast<unsigned char>(text[pos + length]) & 0xC0) == 0x80)
            ++length;
        pos += length;
        ++width;
    }
    return text.substr(0, pos) + "…";
}

} // namespace

std::string csv_field(std::string_view value) {
    bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                 (!value.empty() && (value.front() == ' ' || value.back() == ' '));
    if (!quote)
        return std::string(value);
    std::string out;
    out.reserve(value.size() + 2);
    out += '"';
    for (char c : value) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string csv_cell(std::string_view value, const CsvOptions& options) {
    std::string text;
    text.reserve(value.size() + 1);
    if (!options.raw && !value.empty() &&
        std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos)
        text += '\'';
    if (!options.flatten) {
        text.append(value);
        return csv_field(text);
    }
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n')
            ++i;
        text += value[i] == '\r' || value[i] == '\n' ? ' ' : value[i];
    }
    return csv_field(text);
}

std::vector<std::string> row_cells(const Detection& detection, const Row& row,
                                   const PrintOptions& options) {
    std::vector<std::string> cells;
    const auto& fields = detection.output_fields();
    cells.reserve(fields.size() + 3);
    for (size_t i = 0; i < fields.size() && i < row.key.size(); ++i)
        cells.push_back(fields[i] == "_time" ? format_time(row.first_time,
                                                           options.time_style == TimeStyle::splunk
                                                               ? TimeStyle::splunk_export
                                                               : options.time_style,
                                                           options.zone)
                                             : row.key[i]);
    if (!detection.is_table()) {
        cells.push_back(std::to_string(row.count));
        cells.push_back(format_time(row.first_time, options.time_style, options.zone));
        cells.push_back(format_time(row.last_time, options.time_style, options.zone));
    }
    return cells;
}

void write_csv(std::ostream& out, const Detection& detection, const std::vector<Row>& rows,
               const PrintOptions& options) {
    std::string line;
    if (options.csv.bom)
        line += "\xEF\xBB\xBF";
    for (const auto& column : detection.columns())
        line += csv_field(column) + ",";
    line.back() = '\r';
    line += '\n';
    out << line;
    size_t text_columns = detection.output_fields().size();
    for (const auto& row : rows) {
        line.clear();
        auto cells = row_cells(detection, row, options);
        for (size_t i = 0; i < cells.size(); ++i)
            line += (i < text_columns && detection.output_fields()[i] != "_time"
                         ? csv_cell(cells[i], options.csv)
                         : csv_field(cells[i])) +
                    ",";
        line.back() = '\r';
        line += '\n';
        out << line;
    }
}

const std::vector<std::string_view>& timeline_columns() {
    static const std::vector<std::string_view> columns = [] {
        std::vector<std::string_view> c = {"time",      "detection", "host", "event_id",
                                           "record_id", "field",     "value"};
        c.insert(c.end(), timeline_fields.begin(), timeline_fields.end());
        c.push_back("file");
        return c;
    }();
    return columns;
}

namespace {

std::vector<std::string> timeline_cells(const EventRow& row, const PrintOptions& options) {
    std::vector<std::string> cells = {format_time(row.time, options.time_style, options.zone),
                                      std::string(row.detection->name),
                                      row.host,
                                      std::to_string(row.event_id),
                                      std::to_string(row.record_id),
                                      std::string(row.detection->finding),
                                      row.value};
    for (const auto& field : row.fields)
        cells.push_back(field.value_or(""));
    cells.push_back(row.file);
    return cells;
}

} // namespace

void write_timeline_csv(std::ostream& out, const std::vector<EventRow>& rows,
                        const PrintOptions& options) {
    std::string line;
    if (options.csv.bom)
        line += "\xEF\xBB\xBF";
    for (auto column : timeline_columns())
        line += std::string(column) + ",";
    line.back() = '\r';
    line += '\n';
    out << line;
    for (const auto& row : rows) {
        line.clear();
        for (const auto& cell : timeline_cells(row, options))
            line += csv_cell(cell, options.csv) + ",";
        line.back() = '\r';
        line += '\n';
        out << line;
    }
}

std::string terminal_escape(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (size_t pos = 0; pos < value.size();) {
        unsigned char c = static_cast<unsigned char>(value[pos]);
        switch (c) {
        case '\n':
            out += "\\n";
            ++pos;
            continue;
        case '\r':
            out += "\\r";
            ++pos;
            continue;
        case '\t':
            out += "\\t";
            ++pos;
            continue;
        case '\\':
            out += "\\\\";
            ++pos;
            continue;
        default:
            break;
        }
        if (c < 0x20 || c == 0x7F) {
            out += fmt::format("\\x{:02X}", c);
            ++pos;
            continue;
        }
        size_t length = utf8_sequence_length(value, pos);
        if (length == 0) {
            out += fmt::format("\\x{:02X}", c);
            ++pos;
            continue;
        }
        out.append(value.substr(pos, length));
        pos += length;
    }
    return out;
}

namespace {

// Prints `title`, then the header and cells aligned in columns (those in `right` aligned
// right), escaped for the terminal and cut to fit options' widths.
void write_grid(std::ostream& out, const std::string& title, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows, const std::vector<size_t>& right,
                const PrintOptions& options) {
    if (options.color)
        out << "\x1b[1m" << terminal_escape(title) << "\x1b[0m\n";
    else
        out << terminal_escape(title) << "\n";
    if (rows.empty()) {
        out << "\n";
        return;
    }
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.size() + 1);
    cells.push_back(header);
    for (const auto& row : rows) {
        std::vector<std::string> line;
        for (const auto& value : row)
            line.push_back(cut(terminal_escape(value), options.max_cell_width));
        cells.push_back(std::move(line));
    }
    std::vector<size_t> widths(header.size());
    for (const auto& line : cells)
        for (size_t i = 0; i < line.size(); ++i)
            widths[i] = std::max(widths[i], display_width(line[i]));
    if (options.table_width > 0) {
        constexpr size_t narrowest = 8;
        size_t total = 2 * (widths.size() - 1);
        for (size_t width : widths)
            total += width;
        while (total > options.table_width) {
            auto widest = std::max_element(widths.begin(), widths.end());
            if (*widest <= narrowest)
                break;
            --*widest;
            --total;
        }
        for (auto& line : cells)
            for (size_t i = 0; i < line.size(); ++i)
                line[i] = cut(line[i], widths[i]);
    }
    auto print_line = [&](const std::vector<std::string>& line) {
        std::string text;
        for (size_t i = 0; i < line.size(); ++i) {
            size_t pad = widths[i] - display_width(line[i]);
            if (std::find(right.begin(), right.end(), i) != right.end())
                text += std::string(pad, ' ') + line[i];
            else
                text += line[i] + (i + 1 < line.size() ? std::string(pad, ' ') : "");
            if (i + 1 < line.size())
                text += "  ";
        }
        out << text << "\n";
    };
    print_line(cells.front());
    std::vector<std::string> rule;
    for (size_t width : widths)
        rule.push_back(std::string(width, '-'));
    print_line(rule);
    for (size_t i = 1; i < cells.size(); ++i)
        print_line(cells[i]);
    out << "\n";
}

} // namespace

void write_table(std::ostream& out, const Detection& detection, const std::vector<Row>& rows,
                 const PrintOptions& options) {
    std::vector<std::string> header = detection.columns();
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.size());
    for (const auto& row : rows)
        cells.push_back(row_cells(detection, row, options));
    std::string title = fmt::format("{} ({}, MITRE {}, risk {}): {} {}", detection.title,
                                    detection.name, detection.mitre, detection.risk_score,
                                    rows.size(), rows.size() == 1 ? "row" : "rows");
    write_grid(out, title, header, cells,
               {detection.is_table() ? header.size() : detection.output_fields().size()}, options);
}

void write_timeline_table(std::ostream& out, const std::vector<EventRow>& rows,
                          const PrintOptions& options) {
    std::vector<std::string> header(timeline_columns().begin(), timeline_columns().end());
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.size());
    for (const auto& row : rows)
        cells.push_back(timeline_cells(row, options));
    std::string title = fmt::format("Events: {} ({} time)", rows.size(), options.zone.name());
    write_grid(out, title, header, cells, {3, 4}, options);
}

const std::vector<std::string_view>& coverage_columns() {
    static const std::vector<std::string_view> columns = {"host",    "source", "files",
                                                          "records", "first",  "last"};
    return columns;
}

namespace {

std::vector<std::string> coverage_cells(const CoverageRow& row, const PrintOptions& options) {
    bool known = row.first_time <= row.last_time;
    return {row.host,
            row.source,
            std::to_string(row.files),
            std::to_string(row.records),
            known ? format_time(row.first_time, options.time_style, options.zone) : "",
            known ? format_time(row.last_time, options.time_style, options.zone) : ""};
}

} // namespace

void write_coverage_csv(std::ostream& out, const std::vector<CoverageRow>& rows,
                        const PrintOptions& options) {
    std::string line;
    if (options.csv.bom)
        line += "\xEF\xBB\xBF";
    for (auto column : coverage_columns())
        line += std::string(column) + ",";
    line.back() = '\r';
    line += '\n';
    for (const auto& row : rows) {
        for (const auto& cell : coverage_cells(row, options))
            line += csv_cell(cell, options.csv) + ",";
        line.back() = '\r';
        line += '\n';
    }
    out << line;
}

void write_coverage_table(std::ostream& out, const std::vector<CoverageRow>& rows,
                          const PrintOptions& options) {
    std::vector<std::string> header(coverage_columns().begin(), coverage_columns().end());
    std::vector<std::vector<std::string>> cells;
    for (const auto& row : rows)
        cells.push_back(coverage_cells(row, options));
    std::string title = fmt::format("Coverage: {} {} of the selected detections' sources",
                                    rows.size(), rows.size() == 1 ? "log" : "logs");
    write_grid(out, title, header, cells, {2, 3}, options);
}

void write_detection_list(std::ostream& out) {
    for (const auto& d : detections()) {
        fmt::print(out, "{}: {}\n", d.name, d.title);
        std::string ids;
        for (uint32_t id : d.event_ids)
            ids += (ids.empty() ? "" : ", ") + std::to_string(id);
        fmt::print(out, "  events:      {} {}", d.provider, ids);
        if (d.term)
            fmt::print(out, ", whose {} holds the word {}", d.term->field, d.term->word);
        out << "\n";
        fmt::print(out, "  MITRE:       {}   risk score: {}   Splunk id: {}\n", d.mitre,
                   d.risk_score, d.splunk_id);
        fmt::print(out, "  search:      {}\n", d.search);
        if (d.rex)
            fmt::print(out, "  extracts:    {} from {} with {}\n", d.rex->group, d.rex->field,
                       d.rex->pattern);
        std::string columns;
        for (const auto& column : d.columns())
            columns += (columns.empty() ? "" : ", ") + column;
        fmt::print(out, "  output:      {}, columns {}\n",
                   d.is_table() ? "one row per event, newest first" : "one row per group", columns);
        if (!d.default_exclusions.empty()) {
            out << "  default exclusions (off with --no-default-exclusions):\n";
            for (const auto& exclusion : d.default_exclusions)
                fmt::print(out, "    {}!=\"{}\"\n", exclusion.field, exclusion.value);
        }
        std::string fields;
        for (const auto& field : d.fields)
            fields += (fields.empty() ? "" : ", ") + std::string(field.name) + " (" +
                      std::string(field.source) + ")";
        fmt::print(out, "  fields for --exclude, --include and --allowlist: {}\n\n", fields);
    }
}

} // namespace wmihunt
