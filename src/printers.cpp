// printers: CSV and terminal table writers.
#include "wmihunt/printers.hpp"

#include "wmihunt/timefmt.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <iterator>
#include <set>

namespace wmihunt {

namespace {

// Number of characters (code points) in an escaped, valid UTF-8 string.
size_t display_width(std::string_view text) {
    size_t width = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80)
            ++width;
    return width;
}

// Byte offset of the character after the first `count` characters of valid UTF-8 `text`.
size_t offset_of(std::string_view text, size_t count) {
    size_t pos = 0;
    for (size_t seen = 0; pos < text.size(); ++pos) {
        if ((static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80 && seen++ == count)
            break;
    }
    return pos;
}

// `text` cut to `max_width` characters by replacing part of it with "…". A third of what
// stays is the head and the rest the tail, where what tells similar values apart usually
// is (a query's condition, a file's name). When the first `shared` characters are also
// another cell's, and what follows them fits with a head of 3, the tail is all of that
// (the name after a consumer's class).
std::string cut(const std::string& text, size_t max_width, size_t shared = 0) {
    size_t width = display_width(text);
    if (width <= max_width)
        return text;
    if (max_width == 0)
        return "";
    size_t keep = max_width - 1;
    size_t tail = keep - keep / 3;
    size_t differing = width - std::min(shared, width);
    if (shared > 0 && differing > tail && differing + std::min<size_t>(3, keep / 3) <= keep)
        tail = differing;
    size_t head = keep - tail;
    return text.substr(0, offset_of(text, head)) + "…" + text.substr(offset_of(text, width - tail));
}

// Characters two UTF-8 strings have in common at their start.
size_t common_prefix(std::string_view a, std::string_view b) {
    size_t bytes = static_cast<size_t>(
        std::mismatch(a.begin(),
                      a.begin() + static_cast<std::ptrdiff_t>(std::min(a.size(), b.size())),
                      b.begin())
            .first -
        a.begin());
    while (bytes > 0 && bytes < a.size() && (static_cast<unsigned char>(a[bytes]) & 0xC0) == 0x80)
        --bytes; // not inside a character
    return display_width(a.substr(0, bytes));
}

// For each row's cell in `column` (cells[0] is the header, 0 for it): the characters at
// its start that it shares with the most similar other cell, its neighbour in sorted order.
std::vector<size_t> shared_prefixes(const std::vector<std::vector<std::string>>& cells,
                                    size_t column) {
    std::vector<size_t> order;
    for (size_t row = 1; row < cells.size(); ++row)
        order.push_back(row);
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return cells[a][column] < cells[b][column]; });
    std::vector<size_t> shared(cells.size());
    for (size_t k = 1; k < order.size(); ++k) {
        size_t n = common_prefix(cells[order[k - 1]][column], cells[order[k]][column]);
        shared[order[k - 1]] = std::max(shared[order[k - 1]], n);
        shared[order[k]] = std::max(shared[order[k]], n);
    }
    return shared;
}

// Columns whose cells are never cut: times, hosts, ids, counts and names wmihunt gives.
bool never_cut(std::string_view column) {
    static constexpr std::string_view names[] = {
        "time",      "_time",     "firstTime",  "lastTime",     "count",
        "host",      "dest",      "Computer",   "ComputerName", "event_id",
        "EventCode", "record_id", "client_pid", "detection",    "field",
        "first",     "last",      "files",      "records",      "creator_sid"};
    return std::find(std::begin(names), std::end(names), column) != std::end(names);
}

// The narrowest width in [low, high] at which column `column`'s cut cells still differ
// wherever its whole cells do (taken to grow with the width, as it nearly always does).
size_t distinguishing_width(const std::vector<std::vector<std::string>>& cells, size_t column,
                            const std::vector<size_t>& shared, size_t low, size_t high) {
    auto distinct = [&](size_t width) {
        std::set<std::string> seen;
        for (size_t row = 1; row < cells.size(); ++row)
            seen.insert(cut(cells[row][column], width, shared[row]));
        return seen.size();
    };
    size_t whole = distinct(high);
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (distinct(mid) == whole)
            high = mid;
        else
            low = mid + 1;
    }
    return low;
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
        c.insert(c.end(), timeline_payload_fields.begin(), timeline_payload_fields.end());
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
    for (const auto& field : row.payload)
        cells.push_back(field.value_or(""));
    cells.push_back(row.file);
    return cells;
}

// A CSV document: the byte order mark when asked, `columns` as the header, then the cells
// of each row, every record ending in CR LF.
template <typename Row, typename Cells>
void write_csv_document(std::ostream& out, const std::vector<std::string_view>& columns,
                        const std::vector<Row>& rows, Cells cells, const PrintOptions& options) {
    std::string line;
    if (options.csv.bom)
        line += "\xEF\xBB\xBF";
    for (auto column : columns)
        line += std::string(column) + ",";
    line.back() = '\r';
    line += '\n';
    out << line;
    for (const auto& row : rows) {
        line.clear();
        for (const auto& cell : cells(row, options))
            line += csv_cell(cell, options.csv) + ",";
        line.back() = '\r';
        line += '\n';
        out << line;
    }
}

} // namespace

void write_timeline_csv(std::ostream& out, const std::vector<EventRow>& rows,
                        const PrintOptions& options) {
    write_csv_document(out, timeline_columns(), rows, timeline_cells, options);
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
        for (const auto& value : row) {
            // Without the white space around it: a script's indentation and final line
            // break would only push what it says out of a cut cell.
            size_t first = value.find_first_not_of(" \t\r\n");
            size_t last = value.find_last_not_of(" \t\r\n");
            line.push_back(
                first == std::string::npos
                    ? std::string()
                    : terminal_escape(std::string_view(value).substr(first, last + 1 - first)));
        }
        cells.push_back(std::move(line));
    }
    std::vector<size_t> widths(header.size());
    for (const auto& line : cells)
        for (size_t i = 0; i < line.size(); ++i)
            widths[i] = std::max(widths[i], display_width(line[i]));
    // Only free-text columns are cut, none below `readable` characters (or its header).
    // The first whose rows differ tells them apart: each of its cells keeps, within
    // `telling` characters, what follows the start it shares with its most similar
    // neighbour, and the column never gets so narrow that two of its cells look alike.
    constexpr size_t readable = 16;
    constexpr size_t telling = 32;
    std::vector<size_t> floors(widths.size());
    size_t telling_column = widths.size();
    std::vector<size_t> shared;
    for (size_t i = 0; i < widths.size(); ++i) {
        if (never_cut(header[i])) {
            floors[i] = widths[i];
            continue;
        }
        size_t low = std::min(widths[i], std::max(readable, display_width(header[i])));
        if (options.max_cell_width > 0 && options.table_width == 0)
            widths[i] = std::max(low, std::min(widths[i], options.max_cell_width));
        floors[i] = low;
        if (telling_column < widths.size())
            continue;
        std::vector<size_t> prefixes = shared_prefixes(cells, i);
        size_t differing = 0;
        for (size_t row = 1; row < cells.size(); ++row) {
            size_t width = display_width(cells[row][i]);
            differing = std::max(differing, width - std::min(prefixes[row], width));
        }
        if (differing > 0) {
            telling_column = i;
            shared = std::move(prefixes);
            size_t wanted = std::min(widths[i], std::max(low, std::min(differing + 4, telling)));
            floors[i] = distinguishing_width(cells, i, shared, wanted, widths[i]);
        }
    }
    if (options.table_width > 0) {
        // The widest free-text column loses a character until the table fits or every
        // column is at its floor (then the line is wider than asked).
        size_t total = 2 * (widths.size() - 1);
        for (size_t width : widths)
            total += width;
        while (total > options.table_width) {
            size_t widest = widths.size();
            for (size_t i = 0; i < widths.size(); ++i)
                if (widths[i] > floors[i] &&
                    (widest == widths.size() || widths[i] > widths[widest]))
                    widest = i;
            if (widest == widths.size())
                break;
            --widths[widest];
            --total;
        }
    }
    for (size_t row = 0; row < cells.size(); ++row)
        for (size_t i = 0; i < cells[row].size(); ++i)
            cells[row][i] = cut(cells[row][i], widths[i], i == telling_column ? shared[row] : 0);
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
    write_csv_document(out, coverage_columns(), rows, coverage_cells, options);
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

namespace wmihunt {

namespace {

std::vector<std::string> subscription_cells(const Subscription& s, const PrintOptions& options) {
    return {s.host,
            s.kind,
            s.name_space,
            s.filter,
            s.query,
            s.query_namespace,
            s.consumer_type,
            s.consumer,
            s.action,
            s.scripting_engine,
            s.creator_sid,
            s.user,
            format_time(s.first_seen, options.time_style, options.zone),
            format_time(s.last_seen, options.time_style, options.zone),
            s.state,
            s.evidence_text(),
            s.verdict,
            s.indicators_text(),
            s.allowlist_rule,
            std::string(subscription_mitre),
            s.notes};
}

} // namespace

void write_subscriptions_csv(std::ostream& out, const std::vector<Subscription>& rows,
                             const PrintOptions& options) {
    write_csv_document(out, subscription_columns(), rows, subscription_cells, options);
}

namespace {

// `text` as lines for a terminal: split at CR LF, LF and CR, each TAB as spaces to the
// next multiple of four, without the blank lines around it and the indentation all its
// lines share (a script's), everything else escaped (terminal_escape).
std::vector<std::string> display_lines(std::string_view text) {
    std::vector<std::string> lines(1);
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            lines.emplace_back();
        } else if (c == '\t') {
            lines.back() += std::string(4 - display_width(lines.back()) % 4, ' ');
        } else {
            lines.back() += c;
        }
    }
    auto blank = [](const std::string& line) {
        return line.find_first_not_of(' ') == std::string::npos;
    };
    while (lines.size() > 1 && blank(lines.back()))
        lines.pop_back();
    while (lines.size() > 1 && blank(lines.front()))
        lines.erase(lines.begin());
    size_t indent = std::string::npos;
    for (const auto& line : lines)
        if (!blank(line))
            indent = std::min(indent, line.find_first_not_of(' '));
    for (auto& line : lines)
        line = terminal_escape(blank(line) ? std::string() : line.substr(indent));
    return lines;
}

} // namespace

void write_subscriptions_table(std::ostream& out, const std::vector<Subscription>& rows,
                               const PrintOptions& options) {
    std::string title = fmt::format("WMI event subscriptions (MITRE {}): {} ({} time)",
                                    subscription_mitre, rows.size(), options.zone.name());
    if (options.color)
        out << "\x1b[1m" << terminal_escape(title) << "\x1b[0m\n\n";
    else
        out << terminal_escape(title) << "\n\n";
    const auto& columns = subscription_columns();
    size_t label_width = 0;
    for (auto column : columns)
        label_width = std::max(label_width, column.size());
    for (size_t n = 0; n < rows.size(); ++n) {
        const Subscription& s = rows[n];
        std::vector<std::string> cells = subscription_cells(s, options);
        fmt::print(out, "[{}] {}  {}  {}\n", n + 1, terminal_escape(s.host), s.kind, s.verdict);
        for (size_t i = 0; i < columns.size(); ++i) {
            if (cells[i].empty() || columns[i] == "host" || columns[i] == "kind" ||
                columns[i] == "verdict")
                continue;
            std::vector<std::string> lines = display_lines(cells[i]);
            std::string pad(label_width - columns[i].size(), ' ');
            fmt::print(out, "    {}{}  {}\n", columns[i], pad, lines.front());
            for (size_t k = 1; k < lines.size(); ++k)
                fmt::print(out, "    {}  {}\n", std::string(label_width, ' '), lines[k]);
        }
        out << "\n";
    }
}

} // namespace wmihunt
