// printers: a detection's rows, or the event timeline, as CSV, JSON or a terminal table.
#pragma once

#include "wmihunt/aggregator.hpp"
#include "wmihunt/coverage.hpp"
#include "wmihunt/detection.hpp"
#include "wmihunt/timefmt.hpp"
#include "wmihunt/timeline.hpp"

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

struct PrintOptions {
    TimeStyle time_style = TimeStyle::splunk;
    TimeZone zone;
    CsvOptions csv;
    size_t max_cell_width = 60; // table cells longer than this are cut with "…"
    size_t table_width = 0;     // when non-zero, the widest cells shrink to fit it
    bool color = false;         // table titles in bold (only for a terminal without NO_COLOR)
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

// `value` made safe and single-line for a terminal: backslash, C0/C1 control characters,
// DEL and invalid UTF-8 are shown as \n, \t, \r, \\, \xHH escapes, so no byte from a log
// can move the cursor or send an escape sequence.
std::string terminal_escape(std::string_view value);

// A titled, aligned table. Cells are escaped with terminal_escape and cut to
// options.max_cell_width characters with a trailing "…" when longer; with a table_width,
// the widest cells are cut further until each line fits it (never below 8 characters).
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
