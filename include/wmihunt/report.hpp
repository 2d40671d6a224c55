// report: the case as one self-contained HTML file (--report): the inputs and what they
// cover, each detection's findings, and per host its coverage and subscriptions, each
// with its payload and a timeline chart of the events that tell of it.
#pragma once

#include "wmihunt/coverage.hpp"
#include "wmihunt/inputs.hpp"
#include "wmihunt/printers.hpp"
#include "wmihunt/scan.hpp"
#include "wmihunt/subscriptions.hpp"

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace wmihunt {

// Something the run says of an input or of the results, as it says it on stderr.
struct Notice {
    std::string severity; // "error", "warning" or "note"
    std::string subject;  // the file or folder it is about; empty when about the run
    std::string text;
};

// Everything the report shows, as the run produced it.
struct ReportCase {
    std::string version;                // wmihunt's
    int64_t generated = 0;              // when, in 100 ns ticks since the Unix epoch
    RunInfo run;                        // the options that decided the rows
    std::vector<InputProblem> problems; // paths that could not be used, folder walk notes
    std::vector<FileReport> files;      // every file read or skipped, in input order
    std::vector<Notice> notices;        // damage, duplicates, sources no input holds
    std::vector<DetectionRows> detections;
    std::vector<CoverageRow> coverage;
    std::vector<Subscription> subscriptions; // judged, each with its sightings
};

// The report as one HTML document, built from the templates in src/report/: no script,
// and a Content-Security-Policy that lets the page load nothing (no style sheet, font,
// image or frame from anywhere), so it reads the same offline. Every text from the logs,
// the file names and the options is escaped (html_text): it shows as text, never as
// markup. Times are in options.zone and options.time_style.
void write_report(std::ostream& out, const ReportCase& report, const PrintOptions& options);

// `value` as HTML text: & < > " ' as character references; TAB, LF and CR kept (a
// payload keeps its lines); every other character terminal_escape would escape (C0 and
// C1 controls, DEL, invalid UTF-8, bidirectional and invisible format characters) shown
// as its \xHH or \uXXXX, so that nothing hides or reorders what the logs hold.
std::string html_text(std::string_view value);

// The template the report is rendered from (src/report/report.html.mustache).
std::string_view report_template();

// Where an instant falls on a chart `width` wide that spans [first, last] (first < last):
// 0 at first, width at last, in proportion between.
double chart_x(int64_t ticks, int64_t first, int64_t last, double width);

} // namespace wmihunt
