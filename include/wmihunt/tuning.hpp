// tuning: the analyst's own filter (Splunk's empty `_filter` macros): --exclude,
// --include and allowlist files, as regexes on named fields of matched events.
#pragma once

#include "wmihunt/detection.hpp"
#include "wmihunt/regex.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wmihunt {

// A rule that cannot be used; what() is the one-line reason, naming the rule's origin.
class TuningError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// One rule, "[DETECTION:]FIELD=REGEX". The regex is PCRE2 and unanchored, as grep's:
// a match anywhere in the field's value counts.
struct TuningRule {
    std::string detection; // empty: every detection that has the field
    std::string field;     // analyst field name: host, query, consumer, ...
    Regex regex;
    bool include = false;
    std::string origin; // "--exclude query=..." or "FILE:LINE", for messages
    std::string text;   // the rule as written: "[DETECTION:]FIELD=REGEX"
};

// Parses "[DETECTION:]FIELD=REGEX" (FIELD in any letter case). `origin` prefixes every
// error message.
TuningRule parse_rule(std::string_view text, bool include, const std::string& origin);

// The largest allowlist read: far above any real one, small enough that a wrong path
// (a device, a huge log) is refused instead of filling memory.
constexpr uint64_t allowlist_max_bytes = uint64_t{16} << 20;

// Reads an allowlist: one exclusion rule per line; blank lines and lines whose first
// non-blank character is '#' are ignored; leading and trailing blanks are trimmed.
// Errors name FILE:LINE. Only a regular file or a pipe of at most allowlist_max_bytes is
// read; anything else (a device, a socket, a larger file) is an error naming the path.
std::vector<TuningRule> load_allowlist(const std::filesystem::path& path);

class Tuning {
  public:
    void add(TuningRule rule) { m_rules.push_back(std::move(rule)); }
    bool empty() const { return m_rules.empty(); }
    const std::vector<TuningRule>& rules() const { return m_rules; }

    // Whether a matched event (with the fields its detection extracted) stays. A rule applies when
    // it names this detection or none, and the detection has its field. The event is
    // dropped when an applicable exclusion matches; when inclusions apply, the event
    // must match, for each field they test, at least one of them. A field the event
    // lacks matches nothing.
    bool keeps(const CompiledDetection& detection, const Event& event,
               const Extracted& extracted) const;

    // The origins of the rules that name no detection and whose field none of the
    // `selected` detections has (filter=... with only temporary selected), so the user
    // can be warned they do nothing. Rules naming a detection are scoped on purpose.
    std::vector<std::string> unused_rules(const std::vector<const Detection*>& selected) const;

  private:
    std::vector<TuningRule> m_rules;
};

// What the analyst keeps of the matched events: the time window and the tuning rules.
// Pure and read-only, so the scan's workers apply it concurrently.
struct EventFilter {
    const Tuning* tuning = nullptr;
    std::optional<int64_t> since; // events at or after this instant (ticks, UTC)
    std::optional<int64_t> until; // events before this instant

    bool keeps(const CompiledDetection& detection, const Event& event,
               const Extracted& extracted) const;
    // Whether the event lies in the time window.
    bool in_window(const Event& event) const {
        return !(since && event.time < *since) && !(until && event.time >= *until);
    }
};

} // namespace wmihunt
