// timefmt: civil-time formatting of tick counts (floor semantics for times before 1970),
// time zones through date/tz.h, and the ISO-8601 parser for --since/--until.
#include "wmihunt/timefmt.hpp"

#include "wmihunt/platform.hpp"

#include <chrono>
#include <cstdlib>

#include <date/tz.h>
#include <fmt/format.h>

namespace wmihunt {

namespace {

constexpr int64_t ticks_per_second = 10'000'000;
using Ticks = std::chrono::duration<int64_t, std::ratio<1, ticks_per_second>>;

struct Civil {
    int year;
    unsigned month, day, hour, minute, second;
    int64_t fraction; // ticks within the second, 0..9999999
};

Civil to_civil(int64_t ticks) {
    int64_t seconds = ticks / ticks_per_second;
    int64_t fraction = ticks % ticks_per_second;
    if (fraction < 0) {
        fraction += ticks_per_second;
        --seconds;
    }
    int64_t days = seconds / 86400;
    int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    using namespace std::chrono;
    year_month_day ymd{sys_days{std::chrono::days{days}}};
    return Civil{int(ymd.year()),
                 unsigned(ymd.month()),
                 unsigned(ymd.day()),
                 unsigned(rest / 3600),
                 unsigned(rest / 60 % 60),
                 unsigned(rest % 60),
                 fraction};
}

// Reads exactly `digits` decimal digits at text[pos]; advances pos.
bool read_number(std::string_view text, size_t& pos, size_t digits, int& value) {
    if (pos + digits > text.size())
        return false;
    value = 0;
    for (size_t i = 0; i < digits; ++i) {
        char c = text[pos + i];
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    pos += digits;
    return true;
}

} // namespace

std::string format_splunk_time(int64_t ticks) {
    Civil c = to_civil(ticks);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", c.year, c.month, c.day, c.hour,
                       c.minute, c.second);
}

std::string format_iso_time(int64_t ticks) {
    Civil c = to_civil(ticks);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z", c.year, c.month, c.day, c.hour,
                       c.minute, c.second, c.fraction);
}

TimeZone TimeZone::named(std::string_view name) {
    TimeZone zone;
    if (name == "UTC")
        return zone;
    std::string iana(name);
    if (name == "local") {
        const char* tz = std::getenv("TZ");
        iana = tz != nullptr ? tz : "";
        if (!iana.empty() && iana.front() == ':')
            iana.erase(0, 1);
    }
    try {
        zone.m_zone =
            name == "local" && iana.empty() ? date::current_zone() : date::locate_zone(iana);
    } catch (const std::exception&) {
        throw std::invalid_argument(
            name == "local" ? fmt::format("the local time zone ({}) is not in the system's tzdata",
                                          iana.empty() ? "/etc/localtime" : "TZ=" + iana)
                            : "unknown time zone (use UTC, local, or an IANA name such as "
                              "Europe/Berlin from " +
                                  platform::time_zone_source() + ")");
    }
    zone.m_name = std::string(zone.m_zone->name());
    return zone;
}

int64_t TimeZone::offset_at(int64_t ticks) const {
    if (m_zone == nullptr)
        return 0;
    auto info = m_zone->get_info(date::sys_time<Ticks>{Ticks{ticks}});
    return std::chrono::duration_cast<Ticks>(info.offset).count();
}

int64_t TimeZone::to_utc(int64_t local_ticks) const {
    if (m_zone == nullptr)
        return local_ticks;
    date::local_time<Ticks> local{Ticks{local_ticks}};
    auto info = m_zone->get_info(local);
    switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:
        return local_ticks - std::chrono::duration_cast<Ticks>(info.first.offset).count();
    default: // nonexistent: the transition instant, where the skipped wall times begin
        return std::chrono::duration_cast<Ticks>(info.second.begin.time_since_epoch()).count();
    }
}

std::string format_time(int64_t ticks, TimeStyle style, const TimeZone& zone) {
    if (style == TimeStyle::splunk_export) {
        int64_t offset = zone.is_utc() ? 0 : zone.offset_at(ticks);
        Civil c = to_civil(ticks + offset);
        int64_t minutes = offset / (60 * ticks_per_second);
        char sign = minutes < 0 ? '-' : '+';
        if (minutes < 0)
            minutes = -minutes;
        return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{}{:02}:{:02}", c.year,
                           c.month, c.day, c.hour, c.minute, c.second, c.fraction / 10000, sign,
                           minutes / 60, minutes % 60);
    }
    if (zone.is_utc())
        return style == TimeStyle::splunk ? format_splunk_time(ticks) : format_iso_time(ticks);
    int64_t offset = zone.offset_at(ticks);
    Civil c = to_civil(ticks + offset);
    int64_t minutes = offset / (60 * ticks_per_second);
    char sign = minutes < 0 ? '-' : '+';
    if (minutes < 0)
        minutes = -minutes;
    if (style == TimeStyle::splunk)
        return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", c.year, c.month,
                           c.day, c.hour, c.minute, c.second, sign, minutes / 60, minutes % 60);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}{}{:02}:{:02}", c.year, c.month,
                       c.day, c.hour, c.minute, c.second, c.fraction, sign, minutes / 60,
                       minutes % 60);
}

int64_t parse_time(std::string_view text, const TimeZone& zone) {
    const auto bad = [] {
        return std::invalid_argument("not an ISO-8601 time (expected YYYY-MM-DD, optionally "
                                     "followed by THH:MM[:SS[.fraction]] and Z or +HH:MM)");
    };
    size_t pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_number(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' ||
        !read_number(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-' ||
        !read_number(text, pos, 2, day))
        throw bad();
    int64_t fraction = 0;
    if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
        ++pos;
        if (!read_number(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':' ||
            !read_number(text, pos, 2, minute))
            throw bad();
        if (pos < text.size() && text[pos] == ':') {
            ++pos;
            if (!read_number(text, pos, 2, second))
                throw bad();
            if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
                ++pos;
                size_t digits = 0;
                int64_t scale = ticks_per_second;
                while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                    scale /= 10;
                    fraction += (text[pos] - '0') * scale; // digits beyond 100 ns add 0
                    ++pos;
                    ++digits;
                }
                if (digits == 0)
                    throw bad();
            }
        }
    }
    bool has_offset = false;
    int64_t offset_minutes = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        has_offset = true;
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int sign = text[pos++] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!read_number(text, pos, 2, oh))
            throw bad();
        if (pos < text.size() && text[pos] == ':')
            ++pos;
        if (pos < text.size() && !read_number(text, pos, 2, om))
            throw bad();
        if (oh > 23 || om > 59)
            throw std::invalid_argument("the UTC offset is out of range");
        has_offset = true;
        offset_minutes = sign * (oh * 60 + om);
    }
    if (pos != text.size())
        throw bad();
    using namespace std::chrono;
    year_month_day ymd{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                       std::chrono::day{unsigned(day)}};
    if (!ymd.ok() || hour > 23 || minute > 59 || second > 59)
        throw std::invalid_argument("no such date or time of day");
    int64_t days = sys_days{ymd}.time_since_epoch().count();
    int64_t wall = ((days * 24 + hour) * 60 + minute) * 60 + second;
    int64_t ticks = wall * ticks_per_second + fraction;
    if (has_offset)
        return ticks - offset_minutes * 60 * ticks_per_second;
    return zone.to_utc(ticks);
}

} // namespace wmihunt
