// config: command-line options, first as parsed text, then validated into a Config.
#pragma once

#include "wmihunt/detection.hpp"
#include "wmihunt/printers.hpp"
#include "wmihunt/tuning.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace wmihunt {

// A usage mistake: what() is a one-line message for "wmihunt: error: ...".
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class Format { table, csv, json, jsonl, timesketch };

// The options exactly as typed, filled by CLI11.
struct RawOptions {
    std::vector<std::string> paths;
    std::vector<std::string> detections;
    std::string format = "table";
    std::string output;
    std::string output_dir;
    bool no_default_exclusions = false;
    int threads = 0;
    bool no_screen = false;
    std::vector<std::string> excludes;
    std::vector<std::string> includes;
    std::vector<std::string> allowlists;
    bool list_detections = false;
    bool events = false;
    bool coverage = false;
    bool subscriptions = false;
    std::string report;
    std::string since;
    std::string until;
    std::string timezone = "UTC";
    std::string time_format;
    bool csv_bom = false;
    bool csv_raw = false;
    bool csv_flatten = false;
    int width = -1; // -1: not given
    bool quiet = false;
    bool recover = false;
    bool strict = false;
    bool keep_duplicates = false;
};

// Validated settings the run works from.
struct Config {
    std::vector<std::filesystem::path> paths;
    std::vector<const Detection*> detections; // in table order, each once
    Format format = Format::table;
    std::optional<std::filesystem::path> output;     // one file for everything
    std::optional<std::filesystem::path> output_dir; // one file per detection
    bool default_exclusions = true;
    unsigned threads = 0; // 0: one per core
    bool screen = true;
    Tuning tuning;
    bool list_detections = false; // print the detections and exit; no PATH needed
    bool events = false;          // the timeline instead of the aggregates
    bool coverage = false;        // the coverage table instead of the aggregates
    bool subscriptions = false;   // the subscriptions instead of the aggregates
    // Also the case as one HTML file (--report).
    std::optional<std::filesystem::path> report;
    std::optional<int64_t> since; // events at or after this instant (ticks, UTC)
    std::optional<int64_t> until; // events before this instant
    PrintOptions print;           // time zone and style, CSV options, table width
    bool width_given = false;     // --width chose print.table_width
    bool quiet = false;
    bool recover = false;         // also use the records libevtx recovers
    bool strict = false;          // damage in a file is an error (exit 2), not a warning
    bool keep_duplicates = false; // read identical files and count repeated events again
};

// Declares every option on `app`, storing into `raw`. The one definition of the options:
// --help, the man page test and README's option list all follow it.
void add_options(CLI::App& app, RawOptions& raw);

// Declares the options that say how results are printed (format, targets, time zone and
// style, CSV and table options, --quiet): part of add_options, and what `wmihunt merge`
// takes.
void add_output_options(CLI::App& app, RawOptions& raw);
// `wmihunt merge`'s options: FILE... and the output options.
void add_merge_options(CLI::App& app, RawOptions& raw);
// Checks the combination of options; throws UsageError naming the problem and the way out.
Config make_config(const RawOptions& raw);
// The output options alone, checked as far as they do not depend on the view.
Config make_output_config(const RawOptions& raw);
// Once the view and detections are set: the time style, and the output options that
// depend on them (--output-dir with a view, one CSV table). Throws UsageError.
void check_view_outputs(Config& config, const RawOptions& raw);
// What the rows of a run with `config` say of it (printers.hpp).
RunInfo run_info(const Config& config);

// Name of the file --output-dir writes for `detection` and `format` ("temporary.csv",
// "temporary.json").
std::string output_file_name(const Detection& detection, Format format);

} // namespace wmihunt
