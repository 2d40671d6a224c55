// app: parses options, runs the scan, prints results and diagnostics, picks the exit status.
#include "wmihunt/app.hpp"

#include "wmihunt/config.hpp"
#include "wmihunt/inputs.hpp"
#include "wmihunt/interrupt.hpp"
#include "wmihunt/output.hpp"
#include "wmihunt/printers.hpp"
#include "wmihunt/scan.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <memory>
#include <vector>

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
        // Every file is complete before any is renamed into place, so a failure leaves
        // none of this run's files rather than some.
        std::vector<std::unique_ptr<AtomicFile>> files;
        for (const auto& result : scan.results) {
            files.push_back(std::make_unique<AtomicFile>(
                *config.output_dir / output_file_name(*result.detection, config.format)));
            print_result(files.back()->stream(), config, result);
            files.back()->stream().flush();
            if (!files.back()->stream())
                files.back()->commit(); // throws the write error, naming the file
        }
        for (auto& file : files)
            file->commit();
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

std::string plural(uint64_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

// What a file's reading skipped, as one line; empty for an intact file.
std::string damage_of(const ReadStats& stats) {
    if (!stats.damaged())
        return {};
    std::vector<std::string> parts;
    if (stats.records_failed > 0)
        parts.push_back(fmt::format("{} of {} records rejected by libevtx and skipped",
                                    stats.records_failed, stats.records_decoded));
    if (stats.records_missing > 0)
        parts.push_back(
            fmt::format("{} that sound chunk headers announce never returned by libevtx",
                        plural(stats.records_missing, "record", "records")));
    if (stats.chunks_bad > 0)
        parts.push_back(fmt::format("{} with a bad magic or CRC (read as far as libevtx could)",
                                    plural(stats.chunks_bad, "chunk", "chunks")));
    if (stats.header_crc_bad)
        parts.push_back("the file header's CRC is wrong (its chunks were read anyway)");
    if (stats.chunks_truncated > 0)
        parts.push_back("the file ends inside its last chunk (cut short): the records there "
                        "are lost");
    std::string text = "damaged: " + parts.front();
    for (size_t i = 1; i < parts.size(); ++i)
        text += "; " + parts[i];
    return text;
}

// One line per file that was not read, was damaged, or held duplicates. Returns true
// when any of them is an error (unreadable file; damage under --strict).
bool report_files(std::ostream& err, const Config& config, const ScanResult& scan) {
    bool failed = false;
    for (const auto& file : scan.files) {
        auto path = file.path.string();
        if (!file.error.empty()) {
            fmt::print(err, "wmihunt: error: {}: {}\n", path, file.error);
            failed = true;
            continue;
        }
        if (!file.duplicate_of.empty()) {
            fmt::print(err,
                       "wmihunt: note: {}: same bytes as {}, not read again (--keep-duplicates "
                       "reads it)\n",
                       path, file.duplicate_of.string());
            continue;
        }
        if (auto damage = damage_of(file.stats); !damage.empty()) {
            fmt::print(err, "wmihunt: {}: {}: {}\n", config.strict ? "error" : "warning", path,
                       damage);
            failed = failed || config.strict;
        }
        if (config.recover && file.stats.recovered_total > 0)
            fmt::print(err,
                       "wmihunt: note: {}: {} read ({} of the {} candidates libevtx found could "
                       "not be decoded)\n",
                       path,
                       plural(file.stats.recovered_read, "recovered record", "recovered records"),
                       file.stats.recovered_failed, file.stats.recovered_total);
        if (file.duplicate_events > 0)
            fmt::print(err,
                       "wmihunt: note: {}: {} already seen in an earlier file or record, "
                       "counted once (--keep-duplicates counts each)\n",
                       path, plural(file.duplicate_events, "event", "events"));
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

    install_signal_handlers();
    ScanResult scan = scan_files(
        inputs.files, compiled,
        ScanOptions{config.threads, config.screen, config.recover, config.keep_duplicates});
    failed = report_files(err, config, scan) || failed;
    if (scan.interrupted) {
        // Partial results go only where nothing can mistake them for complete ones.
        bool to_files = config.output || config.output_dir;
        if (!to_files)
            for (const auto& result : scan.results)
                print_result(out, config, result);
        out.flush();
        auto complete = std::count_if(scan.files.begin(), scan.files.end(),
                                      [](const FileReport& f) { return !f.stats.interrupted; });
        fmt::print(err, "wmihunt: interrupted: the results are partial ({} of {} files read){}\n",
                   complete, inputs.files.size(), to_files ? "; no output file was written" : "");
        return exit_interrupted;
    }
    try {
        print_results(out, config, scan);
    } catch (const std::exception& error) {
        fmt::print(err, "wmihunt: error: {}\n", error.what());
        return exit_error;
    }
    out.flush();
    // A reader that stopped early (wmihunt ... | head) is not an error worth a message.
    if (!out && !output_closed()) {
        fmt::print(err, "wmihunt: error: cannot write the results to standard output\n");
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
