// app: parses options, runs the scan, prints results and diagnostics, picks the exit status.
#include "wmihunt/app.hpp"

#include "wmihunt/config.hpp"
#include "wmihunt/inputs.hpp"
#include "wmihunt/output.hpp"
#include "wmihunt/printers.hpp"
#include "wmihunt/scan.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <memory>

#ifndef WMIHUNT_VERSION
#define WMIHUNT_VERSION "0.0.0"
#endif

namespace wmihunt {

namespace {

void print_result(std::ostream& out, const Config& config, const DetectionResult& result) {
    auto rows = result.aggregate.rows();
    if (config.format == Format::csv)
        write_csv(out, *result.detection, rows);
    else
        write_table(out, *result.detection, rows);
}

void print_results(std::ostream& out, const Config& config, const ScanResult& scan) {
    if (config.output_dir) {
        std::filesystem::create_directories(*config.output_dir);
        for (const auto& result : scan.results) {
            AtomicFile file(*config.output_dir /
                            output_file_name(*result.detection, config.format));
            print_result(file.stream(), config, result);
            file.commit();
        }
        return;
    }
    std::unique_ptr<AtomicFile> file;
    if (config.output)
        file = std::make_unique<AtomicFile>(*config.output);
    std::ostream& target = file ? file->stream() : out;
    for (const auto& result : scan.results)
        print_result(target, config, result);
    if (file)
        file->commit();
}

// Warnings for damage in files that were read; errors for files that were not.
bool report_files(std::ostream& err, const ScanResult& scan) {
    bool failed = false;
    for (const auto& file : scan.files) {
        if (!file.error.empty()) {
            fmt::print(err, "wmihunt: error: {}: {}\n", file.path.string(), file.error);
            failed = true;
            continue;
        }
        if (file.stats.records_failed > 0)
            fmt::print(err,
                       "wmihunt: warning: {}: {} of {} records could not be decoded and were "
                       "skipped\n",
                       file.path.string(), file.stats.records_failed, file.stats.records_total);
        if (file.stats.records_missing > 0)
            fmt::print(err,
                       "wmihunt: warning: {}: {} records that the chunk headers announce were "
                       "not returned by libevtx (it stopped inside a damaged chunk)\n",
                       file.path.string(), file.stats.records_missing);
    }
    return failed;
}

} // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    CLI::App app{"wmihunt: find WMI event subscriptions (MITRE ATT&CK T1047) in Windows event "
                 "logs, with the results of Splunk's ESCU analytics",
                 "wmihunt"};
    app.set_version_flag("--version", std::string("wmihunt ") + WMIHUNT_VERSION);
    app.footer("Exit status: 0 nothing found, 1 findings, 2 error (results of readable "
               "inputs are still printed).");
    RawOptions raw;
    add_options(app, raw);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        out << app.help();
        return exit_clean;
    } catch (const CLI::CallForVersion&) {
        out << app.version() << "\n";
        return exit_clean;
    } catch (const CLI::ParseError& error) {
        fmt::print(err, "wmihunt: error: {}\nRun 'wmihunt --help' for the options.\n",
                   error.what());
        return exit_error;
    }

    Config config;
    std::vector<CompiledDetection> compiled;
    try {
        config = make_config(raw);
        for (const Detection* detection : config.detections)
            compiled.emplace_back(*detection, config.default_exclusions);
    } catch (const UsageError& error) {
        fmt::print(err, "wmihunt: error: {}\n", error.what());
        return exit_error;
    }

    InputSet inputs = collect_inputs(config.paths);
    bool failed = false;
    for (const auto& problem : inputs.problems) {
        fmt::print(err, "wmihunt: error: {}: {}\n", problem.path.string(), problem.reason);
        failed = true;
    }

    ScanResult scan =
        scan_files(inputs.files, compiled, ScanOptions{config.threads, config.screen});
    failed = report_files(err, scan) || failed;
    try {
        print_results(out, config, scan);
    } catch (const std::exception& error) {
        fmt::print(err, "wmihunt: error: {}\n", error.what());
        return exit_error;
    }
    if (failed)
        return exit_error;
    for (const auto& result : scan.results)
        if (!result.aggregate.empty())
            return exit_findings;
    return exit_clean;
}

} // namespace wmihunt
