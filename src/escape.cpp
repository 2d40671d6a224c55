// escape: text from logs and file names made safe to show on a terminal or in a log line.
#include "wmihunt/escape.hpp"

#include "wmihunt/platform.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace wmihunt {

namespace {

// Length of the valid UTF-8 sequence starting at text[pos] and its code point; length 0
// when the bytes there are not valid UTF-8.
size_t utf8_sequence(std::string_view text, size_t pos, uint32_t& cp) {
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
    cp = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t i = 1; i < length; ++i)
        cp = (cp << 6) | (byte(pos + i) & 0x3F);
    static constexpr uint32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return length;
}

// Characters that change how the text around them is shown without being seen
// themselves: bidirectional controls, zero-width and line/paragraph separators.
bool invisible_format(uint32_t cp) {
    return cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF;
}

} // namespace

std::string terminal_escape(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (size_t pos = 0; pos < value.size();) {
        unsigned char c = static_cast<unsigned char>(value[pos]);
        if (c == '\n' || c == '\r' || c == '\t') {
            out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
            ++pos;
            continue;
        }
        uint32_t cp = 0;
        size_t length = utf8_sequence(value, pos, cp);
        // C1 controls (U+0080..U+009F) act as escape sequences on some terminals: shown
        // by their bytes, like invalid UTF-8.
        if (length == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            size_t bytes = length == 0 ? 1 : length;
            for (size_t i = 0; i < bytes; ++i)
                out += fmt::format("\\x{:02X}", static_cast<unsigned char>(value[pos + i]));
            pos += bytes;
            continue;
        }
        if (invisible_format(cp))
            out += fmt::format("\\u{:04X}", cp);
        else
            out.append(value.substr(pos, length));
        pos += length;
    }
    return out;
}

std::string shown(const std::filesystem::path& path) {
    return terminal_escape(platform::utf8_of(path));
}

} // namespace wmihunt
