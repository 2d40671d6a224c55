// truth.cpp: what the Splunk WMI detections must print for the events evtxgen wrote.
#include "truth.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace evtxgen {
namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_pcre_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_capture_char(char c) {
    return c != ';' && c != '|' && c != '^' && c != '$';
}

constexpr std::string_view kTemporaryExclusions[] = {
    "SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = 'wsmprovhost.exe'",
    "SELECT * FROM __InstanceOperationEvent WHERE TargetInstance ISA 'AntiVirusProduct' OR "
    "TargetInstance ISA 'FirewallProduct' OR TargetInstance ISA 'AntiSpywareProduct'",
};
constexpr std::string_view kPermanentExclusion =
    "NTEventLogEventConsumer=\"SCM Event Log Consumer\"";

// The text of field `name` of the event's data, "" when its layout has no such field.
std::string field_text(const Event& e, std::string_view name) {
    const int i = field_index(*e.spec, name);
    return i < 0 ? std::string() : value_text(e.values[static_cast<std::size_t>(i)]);
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out)
        throw std::runtime_error(fmt::format("cannot write {}", path.string()));
}

} // namespace

std::string render_message(const EventSpec& spec, const std::vector<Value>& values) {
    std::string out;
    const std::string_view m = spec.message;
    for (std::size_t i = 0; i < m.size(); ++i) {
        if (m[i] == '%' && i + 1 < m.size() && m[i + 1] >= '1' && m[i + 1] <= '9') {
            const auto n = static_cast<std::size_t>(m[i + 1] - '1');
            if (n < values.size())
                out += value_text(values[n]);
            ++i;
        } else {
            out += m[i];
        }
    }
    return out;
}

std::optional<std::string> rex_capture(std::string_view text, std::string_view label) {
    for (std::size_t at = text.find(label); at != std::string_view::npos;
         at = text.find(label, at + 1)) {
        std::size_t p = at + label.size();
        std::size_t ws = 0;
        while (p + ws < text.size() && is_pcre_space(text[p + ws]))
            ++ws;
        if (ws == 0)
            continue;
        // \s+ is greedy; if nothing capturable follows, it gives back its last character,
        // which the class [^;|^$] accepts (whitespace is not excluded).
        std::size_t start = p + ws;
        if (start >= text.size() || !is_capture_char(text[start])) {
            if (ws < 2)
                continue;
            start -= 1;
        }
        std::size_t end = start;
        while (end < text.size() && is_capture_char(text[end]))
            ++end;
        return std::string(text.substr(start, end - start));
    }
    return std::nullopt;
}

bool splunk_value_matches(std::string_view value, std::string_view pattern) {
    // Iterative wildcard match with backtracking to the last '*'.
    std::size_t v = 0, p = 0, star = std::string_view::npos, mark = 0;
    while (v < value.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = v;
        } else if (p < pattern.size() && lower(pattern[p]) == lower(value[v])) {
            ++p;
            ++v;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            v = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

bool contains_term(std::string_view text, std::string_view term) {
    if (term.empty() || text.size() < term.size())
        return false;
    for (std::size_t i = 0; i + term.size() <= text.size(); ++i) {
        bool eq = true;
        for (std::size_t k = 0; k < term.size() && eq; ++k)
            eq = lower(text[i + k]) == lower(term[k]);
        if (!eq)
            continue;
        const bool before_ok = i == 0 || !is_alnum(text[i - 1]);
        const bool after_ok = i + term.size() == text.size() || !is_alnum(text[i + term.size()]);
        if (before_ok && after_ok)
            return true;
    }
    return false;
}

std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

void Truth::bump(Stats& s, std::uint64_t t) {
    if (s.count == 0 || t < s.first)
        s.first = t;
    if (s.count == 0 || t > s.last)
        s.last = t;
    ++s.count;
}

std::string splunk_export_time(std::uint64_t ticks) {
    return fmt::format("{}.{:03}+00:00", filetime_seconds(ticks), ticks % 10'000'000 / 10'000);
}

void Truth::add(const Event& e) {
    const EventSpec& spec = *e.spec;
    if (spec.provider->name == "Microsoft-Windows-Sysmon") {
        if (spec.event_id == 20) {
            std::string user = field_text(e, "User");
            std::string destination = field_text(e, "Destination");
            if (e.computer.empty() || user.empty() || destination.empty())
                return;
            bump(m_sysmon_persistence[{e.computer, std::move(user), std::move(destination)}],
                 e.time_created);
        } else if (spec.event_id == 21) {
            m_permanent_sysmon.push_back(
                {e.time_created,
                 {e.computer, field_text(e, "User"), field_text(e, "Operation"),
                  field_text(e, "EventType"), std::string(), field_text(e, "Consumer"),
                  field_text(e, "Filter")}});
        }
        return;
    }
    if (spec.provider->name != "Microsoft-Windows-WMI-Activity" || e.computer.empty())
        return;
    if (spec.event_id == 5860) {
        const std::string message = render_message(spec, e.values);
        if (!contains_term(message, "Temporary"))
            return;
        auto query = rex_capture(message, "NotificationQuery =");
        if (!query)
            return;
        Stats& s = m_temporary[{e.computer, *query}];
        bump(s, e.time_created);
        for (auto ex : kTemporaryExclusions)
            s.excluded = s.excluded || splunk_value_matches(*query, ex);
    } else if (spec.event_id == 5861) {
        std::string message = render_message(spec, e.values);
        if (!contains_term(message, "Binding"))
            return;
        auto consumer = rex_capture(message, "Consumer =");
        if (!consumer)
            return;
        const bool excluded = splunk_value_matches(*consumer, kPermanentExclusion);
        Stats& s = m_permanent[{e.computer, *consumer, std::move(message)}];
        bump(s, e.time_created);
        s.excluded = excluded;
    }
}

std::string Truth::temporary_csv(bool with_exclusions) const {
    std::string out = "ComputerName,query,count,firstTime,lastTime\n";
    for (const auto& [key, s] : m_temporary) {
        if (with_exclusions && s.excluded)
            continue;
        out += fmt::format("{},{},{},{},{}\n", csv_field(std::get<0>(key)),
                           csv_field(std::get<1>(key)), s.count, filetime_seconds(s.first),
                           filetime_seconds(s.last));
    }
    return out;
}

std::string Truth::permanent_csv(bool with_exclusions) const {
    std::string out = "dest,consumer,Message,count,firstTime,lastTime\n";
    for (const auto& [key, s] : m_permanent) {
        if (with_exclusions && s.excluded)
            continue;
        out += fmt::format("{},{},{},{},{},{}\n", csv_field(std::get<0>(key)),
                           csv_field(std::get<1>(key)), csv_field(std::get<2>(key)), s.count,
                           filetime_seconds(s.first), filetime_seconds(s.last));
    }
    return out;
}

std::string Truth::sysmon_persistence_csv() const {
    std::string out = "dest,User,Destination,count,firstTime,lastTime\n";
    for (const auto& [key, s] : m_sysmon_persistence)
        out += fmt::format("{},{},{},{},{},{}\n", csv_field(std::get<0>(key)),
                           csv_field(std::get<1>(key)), csv_field(std::get<2>(key)), s.count,
                           filetime_seconds(s.first), filetime_seconds(s.last));
    return out;
}

std::string Truth::permanent_sysmon_csv() const {
    std::vector<const BindingRow*> rows;
    for (const auto& r : m_permanent_sysmon)
        rows.push_back(&r);
    // std::string compares as unsigned bytes (char_traits<char>), i.e. UTF-8 byte order.
    std::sort(rows.begin(), rows.end(), [](const BindingRow* a, const BindingRow* b) {
        if (a->time != b->time)
            return a->time > b->time;
        return a->columns < b->columns;
    });
    std::string out = "_time,dest,user,Operation,EventType,Query,Consumer,Filter\n";
    for (const BindingRow* r : rows) {
        out += splunk_export_time(r->time);
        for (const auto& c : r->columns)
            out += "," + csv_field(c);
        out += "\n";
    }
    return out;
}

void Truth::write_files(const std::filesystem::path& directory, std::string_view prefix) const {
    write_file(directory / fmt::format("{}.temporary.csv", prefix), temporary_csv(true));
    write_file(directory / fmt::format("{}.permanent.csv", prefix), permanent_csv(true));
    write_file(directory / fmt::format("{}.temporary.all.csv", prefix), temporary_csv(false));
    write_file(directory / fmt::format("{}.permanent.all.csv", prefix), permanent_csv(false));
    write_file(directory / fmt::format("{}.sysmon-persistence.csv", prefix),
               sysmon_persistence_csv());
    write_file(directory / fmt::format("{}.permanent-sysmon.csv", prefix), permanent_sysmon_csv());
}

} // namespace evtxgen
