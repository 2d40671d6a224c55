// truth.hpp: what the Splunk WMI detections must print for the events evtxgen wrote.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "event.hpp"

namespace evtxgen {

// The Message Windows renders for a WMI-Activity event: spec.message with %1..%n replaced, in
// one pass, by the values' text. Empty for kinds without a message template.
std::string render_message(const EventSpec& spec, const std::vector<Value>& values);

// PCRE semantics of `<label>\s+(?<v>[^;|^$]+)`, first match, on `text` (\s: space, \t, \n,
// \v, \f, \r). nullopt when there is no match.
std::optional<std::string> rex_capture(std::string_view text, std::string_view label);

// Splunk `field=value` comparison: whole value, ASCII case-insensitive, `*` in `pattern`
// matches any run of characters.
bool splunk_value_matches(std::string_view value, std::string_view pattern);

// Splunk bare-term search: `term` occurs in `text` case-insensitively (ASCII) with no letter
// or digit immediately before or after it.
bool contains_term(std::string_view text, std::string_view term);

// Splunk's CSV export of _time: "%Y-%m-%dT%H:%M:%S.%3N+00:00", milliseconds truncated (UTC).
std::string splunk_export_time(std::uint64_t ticks);

// Accumulates the rows of the four Splunk WMI detections of detections.md over events:
// "WMI Temporary Event Subscription" and "WMI Permanent Event Subscription" (WMI-Activity
// 5860/5861, with and without Splunk's default exclusions), "Detect WMI Event Subscription
// Persistence" (sysmon-persistence: Sysmon 20) and "WMI Permanent Event Subscription -
// Sysmon" (permanent-sysmon: Sysmon 21). Sysmon fields are read by name, so every schema
// layout gives the same rows.
class Truth {
  public:
    void add(const Event& e);
    // CSV text (header line, rows sorted by group fields as UTF-8 bytes, LF line ends).
    std::string temporary_csv(bool with_exclusions) const;
    std::string permanent_csv(bool with_exclusions) const;
    // dest,User,Destination,count,firstTime,lastTime: Sysmon 20 grouped by (Computer, User,
    // Destination); an event with any of them empty or missing is dropped.
    std::string sysmon_persistence_csv() const;
    // _time,dest,user,Operation,EventType,Query,Consumer,Filter: one row per Sysmon 21, newest
    // TimeCreated first, equal times by the other columns as UTF-8 bytes; Query is empty.
    std::string permanent_sysmon_csv() const;
    // Writes <prefix>.temporary.csv, .permanent.csv, .temporary.all.csv, .permanent.all.csv,
    // .sysmon-persistence.csv and .permanent-sysmon.csv.
    void write_files(const std::filesystem::path& directory, std::string_view prefix) const;

  private:
    struct Stats {
        std::uint64_t count = 0;
        std::uint64_t first = 0;
        std::uint64_t last = 0;
        bool excluded = false;
    };
    static void bump(Stats& s, std::uint64_t t);
    std::map<std::tuple<std::string, std::string>, Stats> m_temporary;
    std::map<std::tuple<std::string, std::string, std::string>, Stats> m_permanent;
    std::map<std::tuple<std::string, std::string, std::string>, Stats> m_sysmon_persistence;
    struct BindingRow {
        std::uint64_t time;
        // dest, user, Operation, EventType, Query, Consumer, Filter
        std::array<std::string, 7> columns;
    };
    std::vector<BindingRow> m_permanent_sysmon;
};

// RFC 4180 field: quoted (with doubled quotes) when it contains , " CR or LF.
std::string csv_field(std::string_view s);

} // namespace evtxgen
