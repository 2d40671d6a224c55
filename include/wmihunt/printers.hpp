// printers: a detection's rows, or the event timeline, as CSV, JSON or a terminal table.
#pragma once

#include "wmihunt/aggregator.hpp"
#include "wmihunt/coverage.hpp"
#include "wmihunt/detection.hpp"
#include "wmihunt/escape.hpp"
#include "wmihunt/subscriptions.hpp"
#include "wmihunt/timefmt.hpp"
#include "wmihunt/timeline.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace wmihunt {

struct CsvOptions {
    bool bom = false;     // start with the UTF-8 byte order mark (for Excel)
    bool raw = false;     // keep cells beginning with = + - @ TAB CR as they are
    bool flatten = false; // line breaks inside cells become one space each
};

// What a run's JSON Lines rows say of it, for `wmihunt merge`: the view, and every option
// that decides which rows there are. Rows of runs with equal RunInfo (rules compared
// without their origins) merge into those of one run over all their inputs.
struct RunInfo {
    struct Rule {
        bool include = false;
        std::string text;   // [DETECTION:]FIELD=REGEX (TuningRule::text)
        std::string origin; // TuningRule::origin, which subscriptions name (allowlist_rule)
        bool operator==(const Rule& other) const {
            return include == other.include && text == other.text;
        }
    };
    std::string view; // "detections", "events" or "subscriptions"
    std::vector<std::string> detections;
    bool default_exclusions = true;
    std::optional<int64_t> since;
    std::optional<int64_t> until;
    bool recover = false;
    bool keep_duplicates = false;
    std::vector<Rule> rules;
    bool operator==(const RunInfo&) const = default;
};

struct PrintOptions {
    TimeStyle time_style = TimeStyle::splunk;
    TimeZone zone;
    CsvOptions csv;
    size_t max_cell_width = 60; // free-text cells longer than this are cut with "…"; 0: never
    size_t table_width = 0;     // when non-zero, the widest free-text cells shrink to fit it
    bool color = false;         // table titles in bold (only for a terminal without NO_COLOR)
    // With it, each JSON Lines row also carries "run" (this RunInfo and the wmihunt
    // version) and "exact" (what merging needs: full-precision times, and the events
    // behind a timeline row or the subscriptions).
    std::optional<RunInfo> run;
};

// One CSV field: quoted (with doubled quotes) when it holds a comma, a quote, CR or LF,
// or begins or ends with a space; otherwise as is.
std::string csv_field(std::string_view value);

// One CSV cell from a log value: with `flatten`, each line break (CR LF, LF or CR)
// becomes a space; unless `raw`, a value beginning with = + - @ TAB or CR gets a leading
// ' so spreadsheets show it as text instead of evaluating it as a formula; then quoted
// as csv_field does.
std::string csv_cell(std::string_view value, const CsvOptions& options);

// A row's cells in the detection's column order (Detection::columns): the text fields,
// "_time" as Splunk exports it (TimeStyle::splunk_export, or the chosen style when not
// splunk), then for stats count, firstTime and lastTime.
std::vector<std::string> row_cells(const Detection& detection, const Row& row,
                                   const PrintOptions& options);

// Header (the detection's column names) and one record per row, each terminated by CR LF
// as RFC 4180 asks. Newlines inside values are kept unless options.csv.flatten.
void write_csv(std::ostream& out, const Detection& detection, const std::vector<Row>& rows,
               const PrintOptions& options = {});

// The column names of the timeline, in order, as CSV header and JSON keys.
const std::vector<std::string_view>& timeline_columns();

// The timeline as CSV: timeline_columns() and one CR LF-terminated record per event.
void write_timeline_csv(std::ostream& out, const std::vector<EventRow>& rows,
                        const PrintOptions& options);

// A titled, aligned table. Cells are shown as logged, without the white space (space, TAB,
// CR, LF) around them, escaped with terminal_escape. Only
// free-text cells are ever cut, never times, hosts, ids, counts or detection names: a cut
// cell keeps a third of its width at the head and the rest at the tail, around a "…".
// The first free-text column whose rows differ tells them apart: there a cell whose start
// is shared with another keeps all that follows it when it fits (the name after
// ActiveScriptEventConsumer=), and the column is never cut below 32 characters (or what
// that difference needs, at least 16) nor so far that two of its cells look alike.
// With a table_width, the widest free-text column loses a character at a time until the
// table fits or every column is at its floor (16 characters, or its header): a table that
// cannot fit is wider. Without one, free-text cells are cut to max_cell_width; 0 means no
// cutting at all.
void write_table(std::ostream& out, const Detection& detection, const std::vector<Row>& rows,
                 const PrintOptions& options = {});

// The timeline as a table, under the title "Events: N".
void write_timeline_table(std::ostream& out, const std::vector<EventRow>& rows,
                          const PrintOptions& options);

// The coverage view's columns, in order, as CSV header and JSON keys: host, source,
// files, records, first, last (first and last empty, or null in JSON, when unknown).
const std::vector<std::string_view>& coverage_columns();
void write_coverage_csv(std::ostream& out, const std::vector<CoverageRow>& rows,
                        const PrintOptions& options);
void write_coverage_table(std::ostream& out, const std::vector<CoverageRow>& rows,
                          const PrintOptions& options);
// {"wmihunt": VERSION, "time_zone": ..., "coverage": [...]}
void write_coverage_json(std::ostream& out, const std::vector<CoverageRow>& rows,
                         const PrintOptions& options);
void write_coverage_jsonl(std::ostream& out, const std::vector<CoverageRow>& rows,
                          const PrintOptions& options);

// The subscriptions view. CSV: subscription_columns() as header, one CR LF-terminated
// record per subscription (evidence as "5861:1 5859:3", indicators separated by spaces).
// JSON: {"wmihunt": VERSION, "time_zone": ..., "subscriptions": [...]}, each an object
// keyed by subscription_columns() (evidence an object of counts, indicators an array, a
// field with nothing known null); JSONL: one such object per line. Table: one block per
// subscription, every known field on its own line, the payload whole, its line breaks
// kept and control characters escaped.
void write_subscriptions_csv(std::ostream& out, const std::vector<Subscription>& rows,
                             const PrintOptions& options);
void write_subscriptions_table(std::ostream& out, const std::vector<Subscription>& rows,
                               const PrintOptions& options);
void write_subscriptions_json(std::ostream& out, const std::vector<Subscription>& rows,
                              const PrintOptions& options);
void write_subscriptions_jsonl(std::ostream& out, const std::vector<Subscription>& rows,
                               const PrintOptions& options);

// Timesketch's JSON Lines import (timesketch.org, "Import from JSON or CSV"): one object
// per line with its required "message", "datetime" (ISO-8601 UTC with microseconds and the
// offset +00:00, whatever --timezone says), "timestamp" (microseconds since the Unix epoch)
// and "timestamp_desc", then the row's fields, each a string or number (fields without a
// value left out). The timeline: one object per event, "Time Created". Subscriptions: one
// object "First Seen" per subscription, and one "Last Seen" when it was seen later.
void write_timeline_timesketch(std::ostream& out, const std::vector<EventRow>& rows,
                               const PrintOptions& options);
void write_subscriptions_timesketch(std::ostream& out, const std::vector<Subscription>& rows,
                                    const PrintOptions& options);

// --list-detections: each detection with its event ids, Splunk search, default
// exclusions, tunable fields, MITRE id and risk score.
void write_detection_list(std::ostream& out);

// A detection's rows for JSON output: one object per detection with its name, title,
// identifiers and "rows", each row an object keyed by the CSV column names ("count" a
// number, times as strings).
struct DetectionRows {
    const Detection* detection;
    std::vector<Row> rows;
};

// One JSON document: {"wmihunt": VERSION, "time_zone": ..., "detections": [...]}.
void write_json(std::ostream& out, const std::vector<DetectionRows>& results,
                const PrintOptions& options);
// One JSON object per line and per row: {"detection": NAME, <columns>...}.
void write_jsonl(std::ostream& out, const std::vector<DetectionRows>& results,
                 const PrintOptions& options);
// The timeline as one document {"wmihunt": VERSION, "time_zone": ..., "events": [...]}.
void write_timeline_json(std::ostream& out, const std::vector<EventRow>& rows,
                         const PrintOptions& options);
// The timeline as one JSON object per line and per event.
void write_timeline_jsonl(std::ostream& out, const std::vector<EventRow>& rows,
                          const PrintOptions& options);

} // namespace wmihunt
