// utf16.cpp: UTF-8 to UTF-16LE conversion for strings written into EVTX files.
#include "utf16.hpp"

#include <cstdint>
#include <stdexcept>

namespace evtxgen {
namespace {

// Decodes one code point starting at text[i]; advances i. Returns -1 when malformed.
long decode(std::string_view text, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int extra = 0;
    long cp = 0;
    long min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        extra = 1;
        cp = b0 & 0x1F;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        extra = 2;
        cp = b0 & 0x0F;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        extra = 3;
        cp = b0 & 0x07;
        min = 0x10000;
    } else {
        return -1;
    }
    if (i + static_cast<std::size_t>(extra) >= text.size())
        return -1;
    for (int k = 1; k <= extra; ++k) {
        const auto b = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
        if ((b & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    i += static_cast<std::size_t>(extra) + 1;
    return cp;
}

} // namespace

std::size_t write_utf16le(std::string_view utf8, ByteWriter& out) {
    std::size_t units = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
        const long cp = decode(utf8, i);
        if (cp < 0)
            throw std::invalid_argument("invalid UTF-8 in text value");
        if (cp >= 0x10000) {
            const long v = cp - 0x10000;
            out.u16(static_cast<std::uint16_t>(0xD800 + (v >> 10)));
            out.u16(static_cast<std::uint16_t>(0xDC00 + (v & 0x3FF)));
            units += 2;
        } else {
            out.u16(static_cast<std::uint16_t>(cp));
            units += 1;
        }
    }
    return units;
}

std::size_t utf16_length(std::string_view utf8) {
    std::size_t units = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
        const long cp = decode(utf8, i);
        if (cp < 0)
            throw std::invalid_argument("invalid UTF-8 in text value");
        units += cp >= 0x10000 ? 2 : 1;
    }
    return units;
}

bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        if (decode(text, i) < 0)
            return false;
    }
    return true;
}

} // namespace evtxgen
