// config: CLI11 option declarations and their validation into a Config.
#include "wmihunt/config.hpp"

#include "wmihunt/platform.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace wmihunt {

namespace {

std::string detection_names() {
    std::string names;
    for (const auto& detection : detections())
        names += (names.empty() ? "" : ", ") + std::string(detection.name);
    return names;
}

std::string all_field_names() {
    std::string names;
    for (auto name : field_names())
        names += (names.empty() ? "" : ", ") + std::string(name);
    return names;
}

} // namespace

void add_output_options(CLI::App& app, RawOptions& raw) {
    app.add_option("-f,--format", raw.format,
                   "Output format: table (for people), csv (RFC 4180, Splunk's columns), json "
                   "(one document), jsonl (one object per line) or timesketch (JSON Lines for "
                   "Timesketch's import; with --events or --subscriptions)")
        ->type_name("FORMAT")
        ->default_str("table");
    app.add_option("-o,--output", raw.output,
                   "Write the results to FILE instead of stdout (never an input or a file in a "
                   "scanned folder; a device or FIFO is written in place, a link's target "
                   "replaced)")
        ->type_name("FILE");
    app.add_option("--output-dir", raw.output_dir,
                   "Write one file per detection into DIR (DIR/<detection>.csv, .json, "
                   ".jsonl); never an input folder, one inside it, or an input file's folder")
        ->type_name("DIR");
    app.add_option("--timezone", raw.timezone,
                   "Print times in ZONE: UTC, local, or an IANA name such as Europe/Berlin")
        ->type_name("ZONE")
        ->default_str("UTC");
    app.add_option("--time-format", raw.time_format,
                   "splunk (%Y-%m-%dT%H:%M:%S; default for counts) or iso (ISO-8601 with 100 ns "
                   "and offset; default for --events and --subscriptions)")
        ->type_name("STYLE");
    app.add_flag("--csv-bom", raw.csv_bom, "Start CSV output with a UTF-8 byte order mark (Excel)");
    app.add_flag("--csv-raw", raw.csv_raw,
                 "Keep CSV cells that begin with = + - @ TAB CR verbatim (default: prefix ' "
                 "against formula injection)");
    app.add_flag("--csv-flatten", raw.csv_flatten,
                 "Replace line breaks inside CSV cells (the 5861 Message) with spaces");
    app.add_option("--width", raw.width,
                   "Fit tables into COLUMNS characters by cutting free text (default: the "
                   "terminal's width, else free text cut at 60; 0: never cut)")
        ->type_name("COLUMNS");
    app.add_flag("-q,--quiet", raw.quiet, "No progress line and no summary on stderr");
}

void add_options(CLI::App& app, RawOptions& raw) {
    app.add_option("PATH", raw.paths,
                   "An .evtx file (read whatever its extension) or a directory searched "
                   "recursively for *.evtx")
        ->type_name("");
    app.add_option("-d,--detection", raw.detections,
                   "Run only this detection: " + detection_names() + " (repeatable; default: all)")
        ->type_name("NAME")
        ->allow_extra_args(false);
    app.add_flag("--no-default-exclusions", raw.no_default_exclusions,
                 "Drop Splunk's built-in exclusions and show every subscription");
    app.add_option("--exclude", raw.excludes,
                   "Drop matched events whose FIELD matches the PCRE2 REGEX anywhere; "
                   "[DETECTION:]FIELD=REGEX, FIELD one of " +
                       all_field_names() + " (repeatable)")
        ->type_name("FIELD=REGEX")
        ->allow_extra_args(false);
    app.add_option("--include", raw.includes,
                   "Keep only matched events whose FIELD matches REGEX (repeatable: any of "
                   "those on one field, all fields)")
        ->type_name("FIELD=REGEX")
        ->allow_extra_args(false);
    app.add_option("--allowlist", raw.allowlists,
                   "Exclusion rules from FILE, one [DETECTION:]FIELD=REGEX a line, # comments "
                   "(repeatable)")
        ->type_name("FILE")
        ->allow_extra_args(false);
    app.add_flag("--list-detections", raw.list_detections,
                 "Describe each detection (event ids, Splunk search, exclusions, fields, MITRE "
                 "id, risk score) and exit");
    app.add_option("--since", raw.since,
                   "Only events at or after TIME (ISO-8601: 2022-03-10, 2022-03-10T19:51:17Z, "
                   "...; without a zone, in --timezone)")
        ->type_name("TIME");
    app.add_option("--until", raw.until, "Only events before TIME (same forms as --since)")
        ->type_name("TIME");
    app.add_flag("--events", raw.events,
                 "One row per matched event (the timeline) instead of counts per group");
    app.add_flag("--coverage", raw.coverage,
                 "One row per host and log source the selected detections read (files, "
                 "records, first and last event time) instead of the findings");
    app.add_flag("--subscriptions", raw.subscriptions,
                 "One block (or row) per WMI event subscription and host, joined from "
                 "WMI-Activity 5859/5860/5861 and Sysmon 19/20/21: what it runs, who created "
                 "it, when, its state and a verdict (known-benign, suspicious, unknown)");
    app.add_option("--report", raw.report,
                   "Also write the case as one self-contained HTML file: inputs, coverage, "
                   "each detection's findings, and per host each subscription with its "
                   "verdict, payload and a timeline chart (it loads nothing and runs no "
                   "script; never an input or a file in a scanned folder)")
        ->type_name("FILE");
    app.add_option("-j,--threads", raw.threads, "Worker threads (default: one per core)")
        ->type_name("N");
    app.add_flag("--no-screen", raw.no_screen,
                 "Decode every record with libevtx instead of only the chunks that can hold a "
                 "WMI subscription event (slower; same results)");
    add_output_options(app, raw);
    app.add_flag("--recover", raw.recover,
                 "Also use the deleted or overwritten records libevtx recovers from unused space "
                 "in the files (counted separately)");
    app.add_flag("--strict", raw.strict,
                 "Treat damage in a file (skipped records, a corrupted file) as an error: exit 2");
    app.add_flag("--keep-duplicates", raw.keep_duplicates,
                 "Read byte-identical files and count an event seen in several files or records "
                 "each time (default: once)");
}

void add_merge_options(CLI::App& app, RawOptions& raw) {
    app.add_option("FILE", raw.paths,
                   "JSON Lines that wmihunt wrote (-f jsonl: counts, --events or "
                   "--subscriptions), from runs of one version with the same options")
        ->type_name("");
    add_output_options(app, raw);
}

std::string output_file_name(const Detection& detection, Format format) {
    std::string_view extension = format == Format::csv    ? ".csv"
                                 : format == Format::json ? ".json"
                                 : format == Format::jsonl || format == Format::timesketch
                                     ? ".jsonl"
                                     : ".txt";
    return std::string(detection.name) + std::string(extension);
}

Config make_output_config(const RawOptions& raw) {
    Config config;
    if (raw.format == "table")
        config.format = Format::table;
    else if (raw.format == "csv")
        config.format = Format::csv;
    else if (raw.format == "json")
        config.format = Format::json;
    else if (raw.format == "jsonl")
        config.format = Format::jsonl;
    else if (raw.format == "timesketch")
        config.format = Format::timesketch;
    else
        throw UsageError(fmt::format(
            "--format {}: unknown format (choose table, csv, json, jsonl or timesketch)",
            raw.format));
    try {
        config.print.zone = TimeZone::named(raw.timezone);
    } catch (const std::invalid_argument& error) {
        throw UsageError(fmt::format("--timezone {}: {}", raw.timezone, error.what()));
    }
    if (!raw.time_format.empty() && raw.time_format != "splunk" && raw.time_format != "iso")
        throw UsageError(
            fmt::format("--time-format {}: unknown style (choose splunk or iso)", raw.time_format));
    config.print.csv = CsvOptions{raw.csv_bom, raw.csv_raw, raw.csv_flatten};
    if (config.format != Format::csv) {
        for (auto [given, name] :
             {std::pair{raw.csv_bom, "--csv-bom"}, std::pair{raw.csv_raw, "--csv-raw"},
              std::pair{raw.csv_flatten, "--csv-flatten"}})
            if (given)
                throw UsageError(
                    fmt::format("{} only applies to CSV output: add --format csv", name));
    }
    if (raw.width != -1) {
        if (raw.width < 0)
            throw UsageError(
                fmt::format("--width {}: give a number of columns, or 0 for no limit", raw.width));
        if (config.format != Format::table)
            throw UsageError("--width only applies to tables (--format table)");
        config.print.table_width = static_cast<size_t>(raw.width);
        if (raw.width == 0)
            config.print.max_cell_width = 0;
        config.width_given = true;
    }
    config.quiet = raw.quiet;
    if (!raw.output.empty() && !raw.output_dir.empty())
        throw UsageError("--output and --output-dir exclude each other: give one file or one "
                         "directory");
    if (!raw.output.empty())
        config.output = platform::path_from_utf8(raw.output);
    if (!raw.output_dir.empty()) {
        if (config.format == Format::table)
            throw UsageError("--output-dir writes one file per detection: add --format csv, "
                             "json or jsonl");
        config.output_dir = platform::path_from_utf8(raw.output_dir);
    }
    return config;
}

void check_view_outputs(Config& config, const RawOptions& raw) {
    if (raw.time_format.empty())
        config.print.time_style =
            config.events || config.subscriptions ? TimeStyle::iso : TimeStyle::splunk;
    else
        config.print.time_style = raw.time_format == "splunk" ? TimeStyle::splunk : TimeStyle::iso;
    if (config.format == Format::timesketch && !config.events && !config.subscriptions)
        throw UsageError("--format timesketch writes a timeline: add --events or "
                         "--subscriptions");
    if (config.output_dir) {
        if (config.events)
            throw UsageError("--events prints one timeline of every detection: write it with "
                             "--output FILE instead of --output-dir");
        if (config.coverage)
            throw UsageError("--coverage prints one table: write it with --output FILE "
                             "instead of --output-dir");
        if (config.subscriptions)
            throw UsageError("--subscriptions prints one table: write it with --output FILE "
                             "instead of --output-dir");
    }
    if (config.format == Format::csv && !config.events && !config.coverage &&
        !config.subscriptions && config.detections.size() > 1 && !config.output_dir)
        throw UsageError("a CSV file holds one table, and several detections are selected: "
                         "choose one with --detection NAME, write one file per detection "
                         "with --output-dir DIR, or list the events with --events");
}

Config make_config(const RawOptions& raw) {
    if (raw.paths.empty() && !raw.list_detections)
        throw UsageError("no PATH given: name the .evtx files or directories to read");
    Config config = make_output_config(raw);
    config.list_detections = raw.list_detections;
    for (const auto& path : raw.paths)
        config.paths.push_back(platform::path_from_utf8(path));

    if (raw.detections.empty()) {
        for (const auto& detection : detections())
            config.detections.push_back(&detection);
    } else {
        for (const auto& name : raw.detections) {
            const Detection* detection = find_detection(name);
            if (detection == nullptr)
                throw UsageError(fmt::format("--detection {}: unknown detection (choose from {})",
                                             name, detection_names()));
            if (std::find(config.detections.begin(), config.detections.end(), detection) ==
                config.detections.end())
                config.detections.push_back(detection);
        }
        std::sort(config.detections.begin(), config.detections.end());
    }

    config.default_exclusions = !raw.no_default_exclusions;
    if (raw.threads < 0 || raw.threads > 1024)
        throw UsageError(fmt::format("--threads {}: give a number of threads from 1 to 1024, or "
                                     "0 for one per core",
                                     raw.threads));
    config.threads = static_cast<unsigned>(raw.threads);
    config.screen = !raw.no_screen;
    try {
        for (const auto& text : raw.excludes)
            config.tuning.add(parse_rule(text, false, "--exclude " + text));
        for (const auto& text : raw.includes)
            config.tuning.add(parse_rule(text, true, "--include " + text));
        for (const auto& file : raw.allowlists)
            for (auto& rule : load_allowlist(platform::path_from_utf8(file)))
                config.tuning.add(std::move(rule));
    } catch (const TuningError& error) {
        throw UsageError(error.what());
    }

    auto instant = [&](const char* option, const std::string& text) {
        try {
            return parse_time(text, config.print.zone);
        } catch (const std::invalid_argument& error) {
            throw UsageError(fmt::format("{} {}: {}", option, text, error.what()));
        }
    };
    if (!raw.since.empty())
        config.since = instant("--since", raw.since);
    if (!raw.until.empty())
        config.until = instant("--until", raw.until);
    if (config.since && config.until && *config.since >= *config.until)
        throw UsageError(fmt::format("--since {} is not before --until {}: no event can match",
                                     raw.since, raw.until));

    config.events = raw.events;
    config.coverage = raw.coverage;
    config.subscriptions = raw.subscriptions;
    if (int(config.events) + int(config.coverage) + int(config.subscriptions) > 1)
        throw UsageError("--events, --coverage and --subscriptions are views: choose one");
    if (!raw.report.empty()) {
        config.report = platform::path_from_utf8(raw.report);
        std::error_code report_error;
        std::error_code output_error;
        auto report_path = std::filesystem::weakly_canonical(*config.report, report_error);
        if (config.output && !report_error &&
            std::filesystem::weakly_canonical(*config.output, output_error) == report_path &&
            !output_error)
            throw UsageError(fmt::format("--report {} and --output {} name the same file: give "
                                         "the report a file of its own",
                                         raw.report, raw.output));
    }
    config.recover = raw.recover;
    config.strict = raw.strict;
    config.keep_duplicates = raw.keep_duplicates;
    check_view_outputs(config, raw);
    return config;
}

RunInfo run_info(const Config& config) {
    RunInfo run;
    run.view = config.events ? "events" : config.subscriptions ? "subscriptions" : "detections";
    for (const Detection* detection : config.detections)
        run.detections.emplace_back(detection->name);
    run.default_exclusions = config.default_exclusions;
    run.since = config.since;
    run.until = config.until;
    run.recover = config.recover;
    run.keep_duplicates = config.keep_duplicates;
    for (const TuningRule& rule : config.tuning.rules())
        run.rules.push_back({rule.include, rule.text, rule.origin});
    return run;
}

} // namespace wmihunt
