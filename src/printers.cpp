// printers: CSV and terminal table writers.
#include "wmihunt/printers.hpp"

#include "wmihunt/timefmt.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

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

void write_csv(std::ostream& out, const Detection& detection, const std::vector<Row>& rows) {
    std::string line;
    for (auto column : detection.columns)
        line += csv_field(column) + ",";
    line += "count,firstTime,lastTime\r\n";
    out << line;
    for (const auto& row : rows) {
        line.clear();
        for (const auto& value : row.key)
            line += csv_field(value) + ",";
        line += fmt::format("{},{},{}\r\n", row.count, format_splunk_time(row.first_time),
                            format_splunk_time(row.last_time));
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

void write_table(std::ostream& out, const Detection& detection, const std::vector<Row>& rows,
                 size_t max_cell_width) {
    std::vector<std::string> header(detection.columns.begin(), detection.columns.end());
    header.insert(header.end(), {"count", "firstTime", "lastTime"});
    std::vector<std::vector<std::string>> cells;
    cells.reserve(rows.size());
    for (const auto& row : rows) {
        std::vector<std::string> line;
        for (const auto& value : row.key)
            line.push_back(cut(terminal_escape(value), max_cell_width));
        line.push_back(std::to_string(row.count));
        line.push_back(format_splunk_time(row.first_time));
        line.push_back(format_splunk_time(row.last_time));
        cells.push_back(std::move(line));
    }
    fmt::print(out, "{} ({}, MITRE {}, risk {}): {} {}\n", detection.title, detection.name,
               detection.mitre, detection.risk_score, rows.size(),
               rows.size() == 1 ? "row" : "rows");
    if (rows.empty()) {
        out << "\n";
        return;
    }
    std::vector<size_t> widths(header.size());
    for (size_t i = 0; i < header.size(); ++i) {
        widths[i] = display_width(header[i]);
        for (const auto& line : cells)
            widths[i] = std::max(widths[i], display_width(line[i]));
    }
    size_t count_column = detection.columns.size();
    auto print_line = [&](const std::vector<std::string>& line) {
        std::string text;
        for (size_t i = 0; i < line.size(); ++i) {
            size_t pad = widths[i] - display_width(line[i]);
            if (i == count_column)
                text += std::string(pad, ' ') + line[i];
            else
                text += line[i] + (i + 1 < line.size() ? std::string(pad, ' ') : "");
            if (i + 1 < line.size())
                text += "  ";
        }
        out << text << "\n";
    };
    print_line(header);
    std::vector<std::string> rule;
    for (size_t width : widths)
        rule.push_back(std::string(width, '-'));
    print_line(rule);
    for (const auto& line : cells)
        print_line(line);
    out << "\n";
}

} // namespace wmihunt
