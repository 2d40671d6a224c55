// detection: the schema an analytic is written in (as data), and the search it compiles to.
#pragma once

#include "wmihunt/event.hpp"
#include "wmihunt/regex.hpp"
#include "wmihunt/splunk.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace wmihunt {

// A bare search term: `field` must hold `word` as a token (term_matches). Splunk tests
// bare terms on the event text; for WMI-Activity that is the rendered Message.
struct Term {
    std::string_view field;
    std::string_view word;
};

// `rex field=FIELD "PATTERN"`: PCRE, first match; the named group becomes a field. An
// event without a match has no such field.
struct Rex {
    std::string_view field;
    std::string_view pattern;
    std::string_view group;
};

// `search FIELD!="VALUE"`: Splunk's whole-value, case-insensitive comparison with `*`
// wildcards (SplunkValue). An event that lacks the field is dropped too.
struct Exclusion {
    std::string_view field;
    std::string_view value;
};

// `rename FROM as TO`: changes an output column's name only.
struct Rename {
    std::string_view from;
    std::string_view to;
};

// `stats count min(_time) as firstTime max(_time) as lastTime by BY...`: one row per
// group; an event with an empty or missing group field is dropped.
struct Stats {
    std::vector<std::string_view> by;
};

// `table FIELDS...`: one row per event, newest first; "_time" is the event's time and a
// field the event lacks is an empty cell.
struct Table {
    std::vector<std::string_view> fields;
};

// A field an analyst names on the command line (--exclude query=...), and the event or
// extracted field it reads.
struct FieldSource {
    std::string_view name;
    std::string_view source;
};

// One analytic, described as the Splunk search it mirrors. Tables of them live in
// src/detections/, one file per log source; adding an analytic is adding a row there.
struct Detection {
    std::string_view name;  // command-line name: "temporary"
    std::string_view title; // Splunk's title
    std::string_view splunk_id;
    std::string_view search; // the SPL, for --list-detections and the man page
    std::string_view provider;
    std::vector<uint32_t> event_ids;
    std::optional<Term> term;
    std::optional<Rex> rex;
    std::vector<Exclusion> default_exclusions;
    std::variant<Stats, Table> output;
    std::vector<Rename> renames;
    std::string_view finding; // the field that names what was found (--events' value)
    std::string_view mitre;
    int risk_score = 0;
    // The fields tuning rules can test and --events prints, by their analyst names.
    std::vector<FieldSource> fields;

    bool is_table() const { return std::holds_alternative<Table>(output); }
    // The fields the output reads, in column order (Stats: the `by` fields; Table: the
    // table's fields, "_time" included).
    const std::vector<std::string_view>& output_fields() const;
    // The output's column names: output_fields() renamed, then for Stats count,
    // firstTime and lastTime.
    std::vector<std::string> columns() const;
};

// The detections of each log source (src/detections/*.cpp).
const std::vector<Detection>& wmi_activity_detections();
const std::vector<Detection>& sysmon_detections();

// Every analytic wmihunt runs, in their canonical order.
const std::vector<Detection>& detections();

// The analytic called `name`, or nullptr.
const Detection* find_detection(std::string_view name);

// The analyst names of every detection's fields, each once, in table order.
std::vector<std::string_view> field_names();

// The fields a detection's rex extracted from one event, by name.
using Extracted = std::vector<std::pair<std::string_view, std::string>>;

// A detection made ready to run: its regex compiled and its exclusions chosen.
class CompiledDetection {
  public:
    // Throws RegexError if the table holds a bad regex (a programming error).
    CompiledDetection(const Detection& detection, bool default_exclusions);

    const Detection& detection() const { return *m_detection; }

    // Applies the search (provider, event ids, term, rex, exclusions) to one event: the
    // fields the rex extracted, or nullopt when the event is not in the output (filtered
    // out, excluded, or with an empty or missing `stats by` field).
    std::optional<Extracted> match(const Event& event) const;

    // The value of output or source field `name` for a matched event: an extracted field,
    // then an event field. nullptr when there is none.
    static const std::string* value(const Event& event, const Extracted& extracted,
                                    std::string_view name);

    // The value of the analyst field `name` (FieldSource) for a matched event; nullptr
    // when the detection has no such field or the event lacks it.
    const std::string* field_value(const Event& event, const Extracted& extracted,
                                   std::string_view name) const;

  private:
    const Detection* m_detection;
    std::optional<Regex> m_regex;
    int m_group = -1;
    std::vector<std::pair<std::string_view, SplunkValue>> m_exclusions;
};

} // namespace wmihunt
