// app: parses options, runs the scan, prints results and diagnostics, picks the exit status.
#include "wmihunt/app.hpp"

#include "wmihunt/config.hpp"
#include "wmihunt/inputs.hpp"
#include "wmihunt/output.hpp"
#include "wmihunt/printers.hpp"
#include "wmihunt/scan.hpp"
#include "wmihunt/timeline.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef WMIHUNT_VERSION
#define WMIHUNT_VERSION "0.0.0"
#endif

namespace wmihunt {

namespace {

using Clock = std::chrono::steady_clock;

// What the run produced: the aggregates and, with --events, the timeline.
struct Results {
    ScanResult scan;
    std::vector<EventRow> timeline;
    uint64_t matched = 0; // events counted, after tuning and the time window
};

void print_aggregates(std::ostream& out, const Config& config,
                      const std::vector<DetectionRows>& results) {
    switch (config.format) {
    case Format::json:
        write_json(out, results, config.print);
        return;
    case Format::jsonl:
        write_jsonl(out, results, config.print);
        return;
    case Format::csv:
        for (const auto& result : results)
            write_csv(out, *result.detection, result.rows, config.print);
        return;
    case Format::table:
        for (const auto& result : results)
            write_table(out, *result.detection, result.rows, config.print);
        return;
    }
}

void print_timeline(std::ostream& out, const Config& config, const std::vector<EventRow>& rows) {
    switch (config.format) {
    case Format::json:
        write_timeline_json(out, rows, config.print);
        return;
    case Format::jsonl:
        write_timeline_jsonl(out, rows, config.print);
        return;
    case Format::csv:
        write_timeline_csv(out, rows, config.print);
        return;
    case Format::table:
        write_timeline_table(out, rows, config.print);
        return;
    }
}

void print_results(std::ostream& out, const Config& config, const Results& results) {
    std::vector<DetectionRows> aggregates;
    for (const auto& result : results.scan.results)
        aggregates.push_back({result.detection, result.aggregate.rows()});
    if (config.output_dir) {
        std::filesystem::create_directories(*config.output_dir);
        for (const auto& result : aggregates) {
            AtomicFile file(*config.output_dir /
                            output_file_name(*result.detection, config.format));
            print_aggregates(file.stream(), config, {result});
            file.commit();
        }
        return;
    }
    std::unique_ptr<AtomicFile> file;
    if (config.output)
        file = std::make_unique<AtomicFile>(*config.output);
    std::ostream& target = file ? file->stream() : out;
    if (config.events)
        print_timeline(target, config, results.timeline);
    else
        print_aggregates(target, config, aggregates);
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

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The progress line on a terminal's stderr: rewritten in place after each file.
class Progress {
  public:
    Progress(std::ostream& err, bool enabled, const std::vector<std::filesystem::path>& files)
        : m_err(err), m_enabled(enabled), m_files(files.size()) {
        if (!enabled)
            return;
        for (const auto& file : files) {
            std::error_code ignored;
            auto size = std::filesystem::file_size(file, ignored);
            if (!ignored)
                m_bytes_total += size;
        }
    }
    ~Progress() { finish(); }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // Erases the line, so that what follows starts on a clean line.
    void finish() {
        if (m_shown)
            m_err << "\r\x1b[K" << std::flush;
        m_shown = false;
    }

    void file_done(const FileReport& report, uint64_t matched) {
        ++m_files_done;
        std::error_code ignored;
        auto size = std::filesystem::file_size(report.path, ignored);
        if (!ignored)
            m_bytes_done += size;
        m_records += report.stats.records_total;
        if (!m_enabled)
            return;
        double elapsed = seconds_since(m_start);
        double mb = double(m_bytes_done) / 1e6;
        double rate = elapsed > 0 ? mb / elapsed : 0;
        double left = rate > 0 ? (double(m_bytes_total - m_bytes_done) / 1e6) / rate : 0;
        fmt::print(m_err,
                   "\r\x1b[Kwmihunt: {}/{} files, {:.1f}/{:.1f} MB, {} records, {} findings, "
                   "{:.1f} MB/s, ETA {:.0f} s",
                   m_files_done, m_files, mb, double(m_bytes_total) / 1e6, m_records, matched, rate,
                   left);
        m_err << std::flush;
        m_shown = true;
    }

  private:
    std::ostream& m_err;
    bool m_enabled;
    size_t m_files;
    size_t m_files_done = 0;
    uintmax_t m_bytes_total = 0;
    uintmax_t m_bytes_done = 0;
    uint64_t m_records = 0;
    bool m_shown = false;
    Clock::time_point m_start = Clock::now();
};

// Terminal columns of standard output, or 0 when it is not a terminal.
size_t terminal_width() {
    winsize size{};
    if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0)
        return size.ws_col;
    return 0;
}

} // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    Clock::time_point start = Clock::now();
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
    if (config.list_detections) {
        write_detection_list(out);
        return exit_clean;
    }
    for (const auto& origin : config.tuning.unused_rules(config.detections))
        fmt::print(err,
                   "wmihunt: warning: {}: no selected detection has this field; the rule "
                   "has no effect\n",
                   origin);
    // Only the process's own stdout and stderr can be terminals; streams given by a
    // caller (tests, an embedding program) never get colour or a progress line.
    bool out_is_terminal = &out == &std::cout && ::isatty(STDOUT_FILENO);
    bool err_is_terminal = &err == &std::cerr && ::isatty(STDERR_FILENO);
    if (!config.width_given && out_is_terminal)
        config.print.table_width = terminal_width();
    // With a known width, cells are cut only as much as fitting it needs.
    if (config.print.table_width > 0)
        config.print.max_cell_width = config.print.table_width;
    const char* no_color = std::getenv("NO_COLOR");
    config.print.color = out_is_terminal && (no_color == nullptr || *no_color == '\0');

    InputSet inputs = collect_inputs(config.paths);
    bool failed = false;
    for (const auto& problem : inputs.problems) {
        fmt::print(err, "wmihunt: error: {}: {}\n", problem.path.string(), problem.reason);
        failed = true;
    }

    Results results;
    Progress progress(err, err_is_terminal && !config.quiet, inputs.files);
    ScanHooks hooks;
    hooks.accept = [&](size_t i, const Event& event, const std::filesystem::path& file) {
        if ((config.since && event.time < *config.since) ||
            (config.until && event.time >= *config.until))
            return false;
        if (!config.tuning.empty() || config.events) {
            auto extracted = compiled[i].extract_field(event);
            if (!extracted || !config.tuning.keeps(compiled[i], event, *extracted))
                return false;
            if (config.events)
                results.timeline.push_back(
                    make_event_row(compiled[i], event, *extracted, file.string()));
        }
        ++results.matched;
        return true;
    };
    hooks.file_done = [&](const FileReport& report) {
        progress.file_done(report, results.matched);
    };
    results.scan =
        scan_files(inputs.files, compiled, ScanOptions{config.threads, config.screen}, hooks);
    progress.finish();
    sort_timeline(results.timeline);
    failed = report_files(err, results.scan) || failed;
    bool printed = true;
    try {
        print_results(out, config, results);
    } catch (const std::exception& error) {
        fmt::print(err, "wmihunt: error: {}\n", error.what());
        printed = false;
    }

    if (!config.quiet) {
        size_t unread = inputs.problems.size();
        uint64_t records = 0;
        size_t rows = 0;
        for (const auto& file : results.scan.files) {
            unread += file.error.empty() ? 0 : 1;
            records += file.stats.records_total;
        }
        for (const auto& result : results.scan.results)
            rows += result.aggregate.rows().size();
        size_t read = results.scan.files.size() + inputs.problems.size() - unread;
        fmt::print(
            err, "wmihunt: {} {} read, {} failed, {} records, {} matching {} in {} {}, {:.1f} s\n",
            read, read == 1 ? "file" : "files", unread, records, results.matched,
            results.matched == 1 ? "event" : "events", rows, rows == 1 ? "row" : "rows",
            seconds_since(start));
    }
    if (failed || !printed)
        return exit_error;
    for (const auto& result : results.scan.results)
        if (!result.aggregate.empty())
            return exit_findings;
    return exit_clean;
}

} // namespace wmihunt
