// config: CLI11 option declarations and their validation into a Config.
#include "wmihunt/config.hpp"

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

} // namespace

void add_options(CLI::App& app, RawOptions& raw) {
    app.add_option("PATH", raw.paths,
                   "An .evtx file (read whatever its extension) or a directory searched "
                   "recursively for *.evtx")
        ->required()
        ->type_name("");
    app.add_option("-d,--detection", raw.detections,
                   "Run only this detection: " + detection_names() + " (repeatable; default: all)")
        ->type_name("NAME")
        ->allow_extra_args(false);
    app.add_option("-f,--format", raw.format,
                   "Output format: table (for people) or csv (RFC 4180, Splunk's columns)")
        ->type_name("FORMAT")
        ->default_str("table");
    app.add_option("-o,--output", raw.output, "Write the results to FILE instead of stdout")
        ->type_name("FILE");
    app.add_option("--output-dir", raw.output_dir,
                   "Write one file per detection into DIR (DIR/<detection>.csv)")
        ->type_name("DIR");
    app.add_flag("--no-default-exclusions", raw.no_default_exclusions,
                 "Drop Splunk's built-in exclusions and show every subscription");
    app.add_option("-j,--threads", raw.threads, "Worker threads (default: one per core)")
        ->type_name("N");
    app.add_flag("--no-screen", raw.no_screen,
                 "Decode every record with libevtx instead of only the chunks that can hold a "
                 "WMI subscription event (slower; same results)");
    app.add_flag("--recover", raw.recover,
                 "Also use the deleted or overwritten records libevtx recovers from unused space "
                 "in the files (counted separately)");
    app.add_flag("--strict", raw.strict,
                 "Treat damage in a file (skipped records, a corrupted file) as an error: exit 2");
    app.add_flag("--keep-duplicates", raw.keep_duplicates,
                 "Read byte-identical files and count an event seen in several files or records "
                 "each time (default: once)");
}

std::string output_file_name(const Detection& detection, Format format) {
    return std::string(detection.name) + (format == Format::csv ? ".csv" : ".txt");
}

Config make_config(const RawOptions& raw) {
    Config config;
    for (const auto& path : raw.paths)
        config.paths.emplace_back(path);

    if (raw.format == "table")
        config.format = Format::table;
    else if (raw.format == "csv")
        config.format = Format::csv;
    else
        throw UsageError(
            fmt::format("--format {}: unknown format (choose table or csv)", raw.format));

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
    config.recover = raw.recover;
    config.strict = raw.strict;
    config.keep_duplicates = raw.keep_duplicates;
    if (!raw.output.empty() && !raw.output_dir.empty())
        throw UsageError("--output and --output-dir exclude each other: give one file or one "
                         "directory");
    if (!raw.output.empty())
        config.output = raw.output;
    if (!raw.output_dir.empty()) {
        if (config.format != Format::csv)
            throw UsageError("--output-dir writes one CSV file per detection: add --format csv");
        config.output_dir = raw.output_dir;
    }
    if (config.format == Format::csv && config.detections.size() > 1 && !config.output_dir)
        throw UsageError("a CSV file holds one table, and several detections are selected: "
                         "choose one with --detection NAME, or write one file per detection "
                         "with --output-dir DIR");
    return config;
}

} // namespace wmihunt
