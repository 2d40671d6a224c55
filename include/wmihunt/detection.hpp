// detection: the table of analytics (as data) and the per-event test each one applies.
#pragma once

#include "wmihunt/extractor.hpp"
#include "wmihunt/regex.hpp"
#include "wmihunt/splunk.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wmihunt {

// A field an analyst names on the command line (--exclude query=...), and where its value
// comes from: an Event field ("ComputerName", "User") or the detection's extracted field.
struct FieldSource {
    std::string_view name;
    std::string_view source;
};

// One analytic, described as the Splunk search it mirrors. Adding an analytic is adding
// a row to detections(), plus extraction code if it reads a new event layout.
struct Detection {
    std::string_view name;  // command-line name: "temporary"
    std::string_view title; // Splunk's title
    std::string_view splunk_id;
    std::string_view search; // the SPL, for --list-detections and the man page
    std::string_view provider;
    uint32_t event_id;
    std::string_view term;         // bare search term the event text must hold as a token
    std::string_view regex_source; // field the rex runs on ("Message")
    std::string_view regex;        // PCRE with one named group, first match wins
    std::string_view extracted;    // that group's name, which becomes a field
    std::vector<std::string_view> default_exclusions; // `extracted!=value` terms
    std::vector<std::string_view> group_fields;       // `stats ... by` fields, in order
    std::vector<std::string_view> columns;            // their output names, in order
    std::string_view mitre;
    int risk_score;
    // The fields tuning rules can test and --events prints, by their analyst names.
    std::vector<FieldSource> fields;
};

// The analyst names of every detection's fields, each once, in table order.
std::vector<std::string_view> field_names();

// Every analytic wmihunt runs, in their canonical order.
const std::vector<Detection>& detections();

// The analytic called `name`, or nullptr.
const Detection* find_detection(std::string_view name);

// A detection made ready to run: its regex compiled and its exclusions chosen.
class CompiledDetection {
  public:
    // Throws RegexError if the table holds a bad regex (a programming error).
    CompiledDetection(const Detection& detection, bool default_exclusions);

    const Detection& detection() const { return *m_detection; }

    // Applies the search to one event. On a match returns the `stats by` group values
    // in group_fields order; nullopt when the event is filtered out, lacks the extracted
    // field, is excluded, or has an empty group field (Splunk drops those).
    std::optional<std::vector<std::string>> group_key(const Event& event) const;

    // The extracted field's value for `event` (the rex result), or nullopt.
    std::optional<std::string> extract_field(const Event& event) const;

    // The value of the analyst field `name` for a matched event whose extracted field is
    // `extracted`; nullptr when the detection has no such field or the event lacks it.
    const std::string* field_value(const Event& event, const std::string& extracted,
                                   std::string_view name) const;

  private:
    const Detection* m_detection;
    Regex m_regex;
    int m_group;
    std::vector<SplunkValue> m_exclusions;
};

} // namespace wmihunt
