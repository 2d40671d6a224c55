// values.cpp: typed substitution values (EVTX value types), their binary encoding and text form.
#include "values.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

#include "utf16.hpp"

namespace evtxgen {
namespace {

constexpr std::uint64_t kTicksPerSecond = 10'000'000;
constexpr std::int64_t kDaysFrom1601To1970 = 134774;

int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian, days since 1970).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

void write_sid(std::string_view text, ByteWriter& out) {
    // S-<revision>-<authority>-<sub>...
    std::vector<std::uint64_t> parts;
    if (text.size() < 4 || text[0] != 'S' || text[1] != '-')
        throw std::invalid_argument(fmt::format("invalid SID '{}'", text));
    std::uint64_t cur = 0;
    bool have = false;
    for (std::size_t i = 2; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '-') {
            if (!have)
                throw std::invalid_argument(fmt::format("invalid SID '{}'", text));
            parts.push_back(cur);
            cur = 0;
            have = false;
        } else if (text[i] >= '0' && text[i] <= '9') {
            cur = cur * 10 + static_cast<std::uint64_t>(text[i] - '0');
            have = true;
        } else {
            throw std::invalid_argument(fmt::format("invalid SID '{}'", text));
        }
    }
    if (parts.size() < 2 || parts.size() > 2 + 15)
        throw std::invalid_argument(fmt::format("invalid SID '{}'", text));
    out.u8(static_cast<std::uint8_t>(parts[0]));
    out.u8(static_cast<std::uint8_t>(parts.size() - 2));
    for (int i = 5; i >= 0; --i) // identifier authority is 48-bit big-endian
        out.u8(static_cast<std::uint8_t>(parts[1] >> (8 * i)));
    for (std::size_t i = 2; i < parts.size(); ++i)
        out.u32(static_cast<std::uint32_t>(parts[i]));
}

} // namespace

void parse_guid(std::string_view text, std::uint8_t out[16]) {
    // Text order: d1(4 bytes) - d2(2) - d3(2) - d4[0..1] - d4[2..7]; d1..d3 are little-endian
    // on disk, d4 is stored as written.
    if (text.size() != 38 || text.front() != '{' || text.back() != '}')
        throw std::invalid_argument(fmt::format("invalid GUID '{}'", text));
    std::uint8_t bytes[16];
    std::size_t n = 0;
    for (std::size_t i = 1; i + 1 < text.size();) {
        if (text[i] == '-') {
            ++i;
            continue;
        }
        const int hi = hex_digit(text[i]);
        const int lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0 || n >= 16)
            throw std::invalid_argument(fmt::format("invalid GUID '{}'", text));
        bytes[n++] = static_cast<std::uint8_t>(hi * 16 + lo);
        i += 2;
    }
    if (n != 16)
        throw std::invalid_argument(fmt::format("invalid GUID '{}'", text));
    const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int i = 0; i < 16; ++i)
        out[i] = bytes[order[i]];
}

void encode_value(const Value& v, bool nul_terminated, ByteWriter& out) {
    switch (v.type) {
    case ValueType::Null:
        out.zeros(v.number);
        break;
    case ValueType::String:
        write_utf16le(v.text, out);
        if (nul_terminated)
            out.u16(0);
        break;
    case ValueType::UInt8:
        out.u8(static_cast<std::uint8_t>(v.number));
        break;
    case ValueType::UInt16:
        out.u16(static_cast<std::uint16_t>(v.number));
        break;
    case ValueType::UInt32:
    case ValueType::HexInt32:
    case ValueType::Bool: // a 32-bit BOOL, as ETW writes win:Boolean
        out.u32(static_cast<std::uint32_t>(v.number));
        break;
    case ValueType::UInt64:
    case ValueType::HexInt64:
    case ValueType::FileTime:
        out.u64(v.number);
        break;
    case ValueType::Binary:
        out.raw(v.text.data(), v.text.size());
        break;
    case ValueType::Guid: {
        std::uint8_t g[16];
        parse_guid(v.text, g);
        out.raw(g, 16);
        break;
    }
    case ValueType::Sid:
        write_sid(v.text, out);
        break;
    case ValueType::BinXml:
        throw std::invalid_argument("BinXml values are written by the chunk writer");
    }
}

std::string value_text(const Value& v) {
    switch (v.type) {
    case ValueType::Null:
        return {};
    case ValueType::String:
    case ValueType::Sid:
        return v.text;
    case ValueType::UInt8:
    case ValueType::UInt16:
    case ValueType::UInt32:
    case ValueType::UInt64:
        return fmt::format("{}", v.number);
    case ValueType::Bool:
        return v.number != 0 ? "true" : "false";
    case ValueType::HexInt32:
        return fmt::format("0x{:08x}", static_cast<std::uint32_t>(v.number));
    case ValueType::HexInt64:
        return fmt::format("0x{:016x}", v.number);
    case ValueType::FileTime:
        return filetime_iso(v.number);
    case ValueType::Guid: {
        std::string s = v.text;
        for (char& c : s)
            if (c >= 'A' && c <= 'F')
                c = static_cast<char>(c - 'A' + 'a');
        return s;
    }
    case ValueType::Binary: {
        std::string s;
        for (unsigned char c : v.text)
            s += fmt::format("{:02X}", c);
        return s;
    }
    case ValueType::BinXml:
        return {};
    }
    return {};
}

std::uint64_t parse_iso_filetime(std::string_view iso) {
    // YYYY-MM-DDTHH:MM:SS[.f{1,7}]Z
    auto num = [&](std::size_t at, std::size_t len) {
        if (at + len > iso.size())
            throw std::invalid_argument(fmt::format("invalid time '{}'", iso));
        std::uint64_t n = 0;
        for (std::size_t i = at; i < at + len; ++i) {
            if (iso[i] < '0' || iso[i] > '9')
                throw std::invalid_argument(fmt::format("invalid time '{}'", iso));
            n = n * 10 + static_cast<std::uint64_t>(iso[i] - '0');
        }
        return n;
    };
    if (iso.size() < 20 || iso[4] != '-' || iso[7] != '-' || iso[10] != 'T' || iso[13] != ':' ||
        iso[16] != ':' || iso.back() != 'Z')
        throw std::invalid_argument(
            fmt::format("invalid time '{}' (want YYYY-MM-DDTHH:MM:SSZ)", iso));
    const auto y = static_cast<std::int64_t>(num(0, 4));
    const auto mo = static_cast<unsigned>(num(5, 2));
    const auto d = static_cast<unsigned>(num(8, 2));
    const auto h = num(11, 2), mi = num(14, 2), s = num(17, 2);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || y < 1601)
        throw std::invalid_argument(fmt::format("invalid time '{}'", iso));
    std::uint64_t frac = 0;
    if (iso[19] == '.') {
        const std::size_t digits = iso.size() - 21;
        if (digits < 1 || digits > 7)
            throw std::invalid_argument(fmt::format("invalid time '{}'", iso));
        frac = num(20, digits);
        for (std::size_t i = digits; i < 7; ++i)
            frac *= 10;
    } else if (iso.size() != 20) {
        throw std::invalid_argument(fmt::format("invalid time '{}'", iso));
    }
    const std::int64_t days = days_from_civil(y, mo, d) + kDaysFrom1601To1970;
    return (static_cast<std::uint64_t>(days) * 86400 + h * 3600 + mi * 60 + s) * kTicksPerSecond +
           frac;
}

std::string filetime_seconds(std::uint64_t ticks) {
    const std::uint64_t secs = ticks / kTicksPerSecond;
    const auto days = static_cast<std::int64_t>(secs / 86400) - kDaysFrom1601To1970;
    const std::uint64_t rem = secs % 86400;
    std::int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, rem / 3600, rem / 60 % 60,
                       rem % 60);
}

std::string filetime_iso(std::uint64_t ticks) {
    return fmt::format("{}.{:07}Z", filetime_seconds(ticks), ticks % kTicksPerSecond);
}

} // namespace evtxgen
