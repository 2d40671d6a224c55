// timefmt: formatting of event times (100 ns ticks since the Unix epoch) and parsing of
// the times an analyst types, in UTC or an IANA time zone.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace wmihunt {

// Splunk's security_content_ctime format, "%Y-%m-%dT%H:%M:%S" in UTC. Sub-seconds are
// truncated (floored), never rounded, as Splunk's convert ctime does.
std::string format_splunk_time(int64_t ticks);

// ISO-8601 UTC with the full 100 ns precision: "2023-10-18T02:45:44.3067909Z".
std::string format_iso_time(int64_t ticks);

// A time zone for printing and reading times: UTC, or an IANA zone of the system's
// tzdata (/usr/share/zoneinfo), read through Howard Hinnant's date library.
class TimeZone {
  public:
    TimeZone() = default; // UTC
    // "UTC", "local" (the TZ environment variable, else /etc/localtime) or an IANA name
    // such as "Europe/Berlin". Throws std::invalid_argument naming the problem.
    static TimeZone named(std::string_view name);

    bool is_utc() const { return m_zone == nullptr; }
    const std::string& name() const { return m_name; }
    // Offset of local time from UTC, in ticks, at the UTC instant `ticks`.
    int64_t offset_at(int64_t ticks) const;
    // The UTC instant of a local (wall-clock) time in this zone. A wall time that occurs
    // twice (clocks set back) is the earlier instant; one skipped by a clock change is
    // the instant the change happened.
    int64_t to_utc(int64_t local_ticks) const;

  private:
    const date::time_zone* m_zone = nullptr;
    std::string m_name = "UTC";
};

enum class TimeStyle {
    splunk,        // %Y-%m-%dT%H:%M:%S, truncated to the second; in UTC no zone shown (as
                   // Splunk), in any other zone followed by its offset: ...T04:45:44+02:00
    iso,           // ISO-8601 with 7 fraction digits and the offset: ...T02:45:44.3067909Z / +02:00
    splunk_export, // Splunk's exported _time: %Y-%m-%dT%H:%M:%S.%3N and the offset, always
                   // as +HH:MM (...T02:45:44.306+00:00); milliseconds truncated
};

// `ticks` as wall time in `zone`, in `style`.
std::string format_time(int64_t ticks, TimeStyle style, const TimeZone& zone);

// Parses an ISO-8601 date or date-time typed by an analyst: "2022-03-10",
// "2022-03-10T19:51", "2022-03-10 19:51:17.25", each optionally followed by "Z" or an
// offset "+01:00" / "+0100" / "+01". Without a zone the time is wall time in `zone`.
// Throws std::invalid_argument with the reason.
int64_t parse_time(std::string_view text, const TimeZone& zone);

} // namespace wmihunt
