// app: parses options, runs the scan, prints results and diagnostics, picks the exit status.
#include "wmihunt/app.hpp"

#include "wmihunt/aggregator.hpp"

#include "wmihunt/config.hpp"
#include "wmihunt/coverage.hpp"
#include "wmihunt/escape.hpp"
#include "wmihunt/inputs.hpp"
#include "wmihunt/interrupt.hpp"
#include "wmihunt/merge.hpp"
#include "wmihunt/output.hpp"
#include "wmihunt/platform.hpp"
#include "wmihunt/printers.hpp"
#include "wmihunt/report.hpp"
#include "wmihunt/scan.hpp"
#include "wmihunt/subscriptions.hpp"
#include "wmihunt/timeline.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#ifndef WMIHUNT_VERSION
#define WMIHUNT_VERSION "0.0.0"
#endif

namespace wmihunt {

namespace {

using Clock = std::chrono::steady_clock;

// What the run produced: each detection's rows and, with --events, the timeline.
struct Results {
    ScanResult scan;
    std::vector<DetectionRows> detections;
    std::vector<EventRow> timeline;
    std::vector<CoverageRow> coverage;
    std::vector<Subscription> subscriptions;
};

void print_aggregates(std::ostream& out, const Config& config,
                      const std::vector<DetectionRows>& results) {
    switch (config.format) {
    case Format::timesketch: // only with a view (check_view_outputs)
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
    case Format::timesketch:
        write_timeline_timesketch(out, rows, config.print);
        return;
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

void print_coverage(std::ostream& out, const Config& config, const std::vector<CoverageRow>& rows) {
    switch (config.format) {
    case Format::timesketch: // only with --events or --subscriptions (check_view_outputs)
    case Format::json:
        write_coverage_json(out, rows, config.print);
        return;
    case Format::jsonl:
        write_coverage_jsonl(out, rows, config.print);
        return;
    case Format::csv:
        write_coverage_csv(out, rows, config.print);
        return;
    case Format::table:
        write_coverage_table(out, rows, config.print);
        return;
    }
}

void print_subscriptions(std::ostream& out, const Config& config,
                         const std::vector<Subscription>& rows) {
    switch (config.format) {
    case Format::timesketch:
        write_subscriptions_timesketch(out, rows, config.print);
        return;
    case Format::json:
        write_subscriptions_json(out, rows, config.print);
        return;
    case Format::jsonl:
        write_subscriptions_jsonl(out, rows, config.print);
        return;
    case Format::csv:
        write_subscriptions_csv(out, rows, config.print);
        return;
    case Format::table:
        write_subscriptions_table(out, rows, config.print);
        return;
    }
}

// "a", "a and b", "a, b and c".
std::string joined_names(const std::vector<std::string>& names) {
    std::string text;
    for (size_t i = 0; i < names.size(); ++i)
        text += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
    return text;
}

// The files results go to, opened before the scan so that an unusable target is an error
// before any reading: the -o file, or one per selected detection in --output-dir.
struct Outputs {
    std::unique_ptr<OutputFile> file;
    std::unique_ptr<OutputFile> report; // --report
    std::vector<std::pair<const Detection*, std::unique_ptr<OutputFile>>> per_detection;
};

// Refuses a target that would write over evidence, creates --output-dir, and opens every
// output file. Throws OutputError.
Outputs open_outputs(const Config& config) {
    Outputs outputs;
    if (config.output) {
        refuse_evidence(*config.output, false, "-o", config.paths);
        outputs.file = std::make_unique<OutputFile>(*config.output);
    }
    if (config.report) {
        refuse_evidence(*config.report, false, "--report", config.paths);
        outputs.report = std::make_unique<OutputFile>(*config.report);
    }
    if (config.output_dir) {
        const auto& dir = *config.output_dir;
        refuse_evidence(dir, true, "--output-dir", config.paths);
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec)
            throw OutputError(fmt::format("--output-dir {}: cannot create the folder: {}",
                                          platform::utf8_of(dir), ec.message()));
        if (!std::filesystem::is_directory(dir, ec))
            throw OutputError(fmt::format("--output-dir {}: not a folder", platform::utf8_of(dir)));
        for (const Detection* detection : config.detections)
            outputs.per_detection.emplace_back(
                detection,
                std::make_unique<OutputFile>(dir / output_file_name(*detection, config.format)));
    }
    return outputs;
}

void print_results(std::ostream& out, const Config& config, const Results& results,
                   Outputs& targets) {
    const std::vector<DetectionRows>& aggregates = results.detections;
    if (config.output_dir) {
        // Every file is complete before any is renamed into place, so a failure leaves
        // none of this run's files rather than some.
        for (auto& [detection, file] : targets.per_detection) {
            for (const auto& result : aggregates)
                if (result.detection == detection)
                    print_aggregates(file->stream(), config, {result});
            file->stream().flush();
            if (!file->stream())
                file->commit(); // throws the write error, naming the file
        }
        for (auto& entry : targets.per_detection)
            entry.second->commit();
        return;
    }
    std::ostream& target = targets.file ? targets.file->stream() : out;
    if (config.events)
        print_timeline(target, config, results.timeline);
    else if (config.coverage)
        print_coverage(target, config, results.coverage);
    else if (config.subscriptions)
        print_subscriptions(target, config, results.subscriptions);
    else
        print_aggregates(target, config, aggregates);
    if (targets.file)
        targets.file->commit();
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
    if (stats.chunks_refused > 0)
        parts.push_back(fmt::format("{} not given to libevtx, which cannot read it within bounds "
                                    "({}): the records there are lost",
                                    plural(stats.chunks_refused, "chunk", "chunks"),
                                    stats.refusal));
    if (stats.header_crc_bad)
        parts.push_back("the file header's CRC is wrong (its chunks were read anyway)");
    if (stats.cut_short())
        parts.push_back(fmt::format("the file header announces {} but the file holds {} (cut "
                                    "short): the records of the others are lost",
                                    plural(stats.chunks_announced, "chunk", "chunks"),
                                    stats.chunks_present));
    if (stats.changed)
        parts.push_back("the file changed while it was read (size, modification time or "
                        "inode): what was read may not be the log as it is now");
    if (stats.chunks_truncated > 0)
        parts.push_back("the file ends inside its last chunk (cut short): the records there "
                        "are lost");
    std::string text = "damaged: " + parts.front();
    for (size_t i = 1; i < parts.size(); ++i)
        text += "; " + parts[i];
    return text;
}

// One notice per file that was not read, was damaged, or held duplicates: an error for
// an unreadable file, and for damage under --strict.
std::vector<Notice> file_notices(const Config& config, const ScanResult& scan) {
    std::vector<Notice> notices;
    for (const auto& file : scan.files) {
        std::string path = platform::utf8_of(file.path);
        if (!file.error.empty()) {
            notices.push_back({"error", path, file.error});
            continue;
        }
        if (!file.duplicate_of.empty()) {
            notices.push_back({"note", path,
                               fmt::format("same bytes as {}, not read again (--keep-duplicates "
                                           "reads it)",
                                           platform::utf8_of(file.duplicate_of))});
            continue;
        }
        if (auto damage = damage_of(file.stats); !damage.empty())
            notices.push_back({config.strict ? "error" : "warning", path, damage});
        if (config.recover && file.stats.recovered_total > 0)
            notices.push_back(
                {"note", path,
                 fmt::format(
                     "{} read ({} of the {} candidates libevtx found could not be "
                     "decoded)",
                     plural(file.stats.recovered_read, "recovered record", "recovered records"),
                     file.stats.recovered_failed, file.stats.recovered_total)});
        if (file.duplicate_events > 0)
            notices.push_back({"note", path,
                               fmt::format("{} already seen in an earlier file or record, "
                                           "counted once (--keep-duplicates counts each)",
                                           plural(file.duplicate_events, "event", "events"))});
    }
    return notices;
}

// "wmihunt: SEVERITY: SUBJECT: TEXT", made safe for a terminal.
void print_notice(std::ostream& err, const Notice& notice) {
    if (notice.subject.empty())
        fmt::print(err, "wmihunt: {}: {}\n", notice.severity, terminal_escape(notice.text));
    else
        fmt::print(err, "wmihunt: {}: {}: {}\n", notice.severity, terminal_escape(notice.subject),
                   terminal_escape(notice.text));
}

// Now, in 100 ns ticks since the Unix epoch.
int64_t now_ticks() {
    using Ticks = std::chrono::duration<int64_t, std::ratio<1, 10'000'000>>;
    return std::chrono::duration_cast<Ticks>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The progress line on a terminal's stderr: rewritten in place after each unit of work
// (a file, or 256 chunks of a large one), at most ten times a second.
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

    void unit_done(const ReadStats& part, uint64_t events) {
        m_bytes_done += part.bytes;
        m_records += part.records_total;
        m_events += events;
        show(m_files_done == m_files);
    }

    void file_done(const FileReport& report) {
        ++m_files_done;
        // A file skipped as a copy of another is done without being read.
        if (!report.duplicate_of.empty()) {
            std::error_code ignored;
            auto size = std::filesystem::file_size(report.path, ignored);
            if (!ignored)
                m_bytes_done += size;
        }
        show(false);
    }

  private:
    void show(bool last) {
        if (!m_enabled)
            return;
        auto now = Clock::now();
        if (!last && m_shown && now - m_shown_at < std::chrono::milliseconds(100))
            return;
        m_shown_at = now;
        double elapsed = seconds_since(m_start);
        double mb = double(m_bytes_done) / 1e6;
        double total = double(std::max(m_bytes_total, m_bytes_done)) / 1e6;
        double rate = elapsed > 0 ? mb / elapsed : 0;
        double left = rate > 0 ? (total - mb) / rate : 0;
        fmt::print(m_err,
                   "\r\x1b[Kwmihunt: {}/{} files, {:.1f}/{:.1f} MB, {} records, {} findings, "
                   "{:.1f} MB/s, ETA {:.0f} s",
                   m_files_done, m_files, mb, total, m_records, m_events, rate, left);
        m_err << std::flush;
        m_shown = true;
    }

    std::ostream& m_err;
    bool m_enabled;
    size_t m_files;
    size_t m_files_done = 0;
    uintmax_t m_bytes_total = 0;
    uintmax_t m_bytes_done = 0;
    uint64_t m_records = 0;
    uint64_t m_events = 0;
    bool m_shown = false;
    Clock::time_point m_shown_at;
    Clock::time_point m_start = Clock::now();
};

// Only the process's own stdout can be a terminal; a stream given by a caller (tests, an
// embedding program) never gets colour. On a terminal, tables fit its width.
void fit_to_terminal(Config& config, std::ostream& out) {
    bool out_is_terminal = &out == &std::cout && platform::is_terminal(1);
    if (!config.width_given && out_is_terminal)
        config.print.table_width = platform::terminal_columns();
    // With a known width, cells are cut only as much as fitting it needs.
    if (config.print.table_width > 0)
        config.print.max_cell_width = config.print.table_width;
    const char* no_color = std::getenv("NO_COLOR");
    config.print.color = out_is_terminal && (no_color == nullptr || *no_color == '\0');
}

// Parses argv into `app`'s options. Returns the exit status when the command ends there:
// after --help or --version, or on a usage mistake (named, with where to read more).
std::optional<int> parse_command(CLI::App& app, int argc, const char* const* argv,
                                 std::ostream& out, std::ostream& err, std::string_view command) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        out << app.help();
        return exit_clean;
    } catch (const CLI::CallForVersion&) {
        out << app.version() << "\n";
        return exit_clean;
    } catch (const CLI::ParseError& error) {
        fmt::print(err, "{}: error: {}\nRun '{} --help' for the options.\n", command,
                   terminal_escape(error.what()), command);
        return exit_error;
    }
    return std::nullopt;
}

// 1 when the results hold a finding (with --subscriptions: a subscription not
// known-benign), else 0.
int findings_status(const Config& config, const Results& results) {
    if (config.subscriptions)
        return std::all_of(results.subscriptions.begin(), results.subscriptions.end(),
                           [](const Subscription& s) { return s.verdict == "known-benign"; })
                   ? exit_clean
                   : exit_findings;
    for (const auto& result : results.detections)
        if (!result.rows.empty())
            return exit_findings;
    if (config.events && !results.timeline.empty())
        return exit_findings;
    return exit_clean;
}

// Sets what the merged rows say of their runs: the view, detections, rules and the other
// options of RunInfo. Throws UsageError when a rule no longer parses.
void apply_run_info(Config& config, const RunInfo& run) {
    config.events = run.view == "events";
    config.subscriptions = run.view == "subscriptions";
    config.detections.clear();
    for (const Detection& detection : detections())
        if (std::find(run.detections.begin(), run.detections.end(), detection.name) !=
            run.detections.end())
            config.detections.push_back(&detection);
    std::sort(config.detections.begin(), config.detections.end());
    config.default_exclusions = run.default_exclusions;
    config.since = run.since;
    config.until = run.until;
    config.recover = run.recover;
    config.keep_duplicates = run.keep_duplicates;
    try {
        for (const auto& rule : run.rules)
            config.tuning.add(parse_rule(rule.text, rule.include, rule.origin));
    } catch (const TuningError& error) {
        throw UsageError(error.what());
    }
}

// wmihunt merge FILE...: the JSON Lines of several runs as one run over all their inputs.
int run_merge(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    Clock::time_point start = Clock::now();
    CLI::App app{"wmihunt merge: the JSON Lines rows (-f jsonl) of several wmihunt runs, from "
                 "one version with the same options, combined into the results one run over "
                 "all their inputs prints",
                 "wmihunt merge"};
    app.footer("Exit status: 0 nothing found, 1 findings, 2 error (a file or row that cannot "
               "be merged is named; the others are still merged).");
    RawOptions raw;
    add_merge_options(app, raw);
    if (auto status = parse_command(app, argc, argv, out, err, "wmihunt merge"))
        return *status;
    Config config;
    MergeInput input;
    std::vector<CompiledDetection> compiled;
    try {
        if (raw.paths.empty())
            throw UsageError("no FILE given: name the JSON Lines files to merge");
        config = make_output_config(raw);
        for (const auto& path : raw.paths)
            config.paths.push_back(platform::path_from_utf8(path));
        input = read_merge_input(config.paths);
        for (const auto& problem : input.problems)
            fmt::print(err, "wmihunt merge: error: {}\n", terminal_escape(problem));
        // Runs that found nothing write no JSON Lines row, and no row says which view or
        // detections they ran: as JSON Lines, nothing found is no row.
        if (input.rows == 0 && config.format != Format::jsonl)
            throw UsageError("the files hold no row, so nothing says which tables to print "
                             "(runs that found nothing write none): merge with -f jsonl");
        if (input.rows > 0)
            apply_run_info(config, input.run);
        check_view_outputs(config, raw);
        for (const Detection* detection : config.detections)
            compiled.emplace_back(*detection, config.default_exclusions);
    } catch (const std::exception& error) { // UsageError, MergeError
        fmt::print(err, "wmihunt merge: error: {}\n", terminal_escape(error.what()));
        return exit_error;
    }
    fit_to_terminal(config, out);
    if (config.format == Format::jsonl)
        config.print.run = input.run;

    Outputs targets;
    Results results;
    try {
        targets = open_outputs(config);
        if (config.events)
            results.timeline = merge_timeline(input, config.keep_duplicates);
        else if (config.subscriptions)
            results.subscriptions = merge_subscriptions(input, config.keep_duplicates,
                                                        config.tuning, config.default_exclusions);
        else
            results.detections = merge_detection_rows(input, compiled);
        print_results(out, config, results, targets);
    } catch (const std::exception& error) {
        fmt::print(err, "wmihunt merge: error: {}\n", terminal_escape(error.what()));
        return exit_error;
    }
    out.flush();
    if (!out && !output_closed()) {
        fmt::print(err, "wmihunt merge: error: cannot write the results to standard output: {}\n",
                   errno != 0 ? std::strerror(errno) : "the write failed");
        return exit_error;
    }
    if (!config.quiet) {
        size_t rows = config.events          ? results.timeline.size()
                      : config.subscriptions ? results.subscriptions.size()
                                             : 0;
        for (const auto& result : results.detections)
            rows += result.rows.size();
        fmt::print(err, "wmihunt merge: {} {}, {} {} read, {} {} merged, {:.1f} s\n",
                   config.paths.size(), config.paths.size() == 1 ? "file" : "files", input.rows,
                   input.rows == 1 ? "row" : "rows", rows, rows == 1 ? "row" : "rows",
                   seconds_since(start));
    }
    if (!input.problems.empty())
        return exit_error;
    return findings_status(config, results);
}

} // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    if (argc >= 2 && std::string_view(argv[1]) == "merge")
        return run_merge(argc - 1, argv + 1, out, err);
    Clock::time_point start = Clock::now();
    CLI::App app{"wmihunt: find WMI event subscriptions (MITRE ATT&CK T1047) in Windows event "
                 "logs, with the results of Splunk's ESCU analytics",
                 "wmihunt"};
    app.set_version_flag("--version", std::string("wmihunt ") + WMIHUNT_VERSION);
    app.footer("wmihunt merge FILE... combines the -f jsonl output of several runs into "
               "the results of one run over all their inputs (wmihunt merge --help).\n"
               "Exit status: 0 nothing found, 1 findings (with --subscriptions: one not "
               "known-benign), 2 error (results of readable "
               "inputs are still printed).");
    RawOptions raw;
    add_options(app, raw);
    if (auto status = parse_command(app, argc, argv, out, err, "wmihunt"))
        return *status;

    Config config;
    std::vector<CompiledDetection> compiled;
    try {
        config = make_config(raw);
        for (const Detection* detection : config.detections)
            compiled.emplace_back(*detection, config.default_exclusions);
    } catch (const UsageError& error) {
        fmt::print(err, "wmihunt: error: {}\n", terminal_escape(error.what()));
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
                   terminal_escape(origin));
    fit_to_terminal(config, out);
    bool err_is_terminal = &err == &std::cerr && platform::is_terminal(2);
    if (config.format == Format::jsonl && !config.coverage)
        config.print.run = run_info(config);

    Outputs targets;
    try {
        targets = open_outputs(config);
    } catch (const OutputError& error) {
        fmt::print(err, "wmihunt: error: {}\n", terminal_escape(error.what()));
        return exit_error;
    }

    InputSet inputs = collect_inputs(config.paths);
    bool failed = false;
    size_t input_errors = 0;
    for (const auto& problem : inputs.problems) {
        fmt::print(err, "wmihunt: {}: {}: {}\n", to_string(problem.severity), shown(problem.path),
                   terminal_escape(problem.reason));
        if (problem.severity == InputProblem::Severity::error)
            ++input_errors;
    }
    failed = input_errors > 0;

    install_signal_handlers();
    Results results;
    Progress progress(err, err_is_terminal && !config.quiet, inputs.files);
    ScanHooks hooks;
    hooks.unit_done = [&](const ReadStats& part, uint64_t events) {
        progress.unit_done(part, events);
    };
    hooks.file_done = [&](const FileReport& report) { progress.file_done(report); };
    DetectionResults outputs(compiled);
    Timeline timeline(compiled);
    Coverage coverage(config.detections);
    SubscriptionCorrelator correlator;
    std::vector<EventConsumer*> consumers = {&outputs, &coverage};
    if (config.events)
        consumers.push_back(&timeline);
    if (config.subscriptions || config.report)
        consumers.push_back(&correlator);
    EventFilter filter{&config.tuning, config.since, config.until};
    results.scan = scan_files(
        inputs.files, compiled, consumers,
        ScanOptions{config.threads, config.screen, config.recover, config.keep_duplicates}, filter,
        hooks);
    progress.finish();
    for (size_t i = 0; i < outputs.size(); ++i)
        results.detections.push_back({&outputs.detection(i), outputs.rows(i)});
    results.timeline = timeline.rows();
    results.coverage = coverage.rows(results.scan.files);
    if (config.subscriptions || config.report) {
        results.subscriptions = correlator.subscriptions();
        judge(results.subscriptions, config.tuning, config.default_exclusions);
        if (config.print.run && config.subscriptions)
            correlator.attach_sources(results.subscriptions);
    }
    std::vector<Notice> notices = file_notices(config, results.scan);
    for (const Notice& notice : notices) {
        print_notice(err, notice);
        failed = failed || notice.severity == "error";
    }
    // An empty table means something only where the logs it reads were there: after the
    // results, say which sources no input holds (when some log was read at all; a run
    // that read none is an error below).
    std::vector<Notice> missing;
    bool some_log_read =
        std::any_of(results.scan.files.begin(), results.scan.files.end(),
                    [](const FileReport& f) { return f.error.empty() && f.duplicate_of.empty(); });
    if (some_log_read)
        for (const auto& [provider, names] : coverage.missing_sources(results.scan.files))
            missing.push_back({"warning", "",
                               fmt::format("no {} events in the inputs: {} could find nothing",
                                           provider, joined_names(names))});
    if (results.scan.interrupted) {
        // Partial results go only where nothing can mistake them for complete ones.
        bool to_files = config.output || config.output_dir;
        if (!to_files)
            print_results(out, config, results, targets);
        out.flush();
        auto complete = std::count_if(results.scan.files.begin(), results.scan.files.end(),
                                      [](const FileReport& f) { return !f.stats.interrupted; });
        std::string unwritten = to_files        ? "; no output file was written"
                                : config.report ? "; no report was written"
                                                : "";
        fmt::print(err, "wmihunt: interrupted: the results are partial ({} of {} files read){}\n",
                   complete, inputs.files.size(), unwritten);
        return exit_interrupted;
    }
    std::optional<ReportCase> report;
    if (config.report) {
        report = ReportCase{.version = WMIHUNT_VERSION,
                            .generated = now_ticks(),
                            .run = run_info(config),
                            .problems = inputs.problems,
                            .files = results.scan.files,
                            .notices = notices,
                            .detections = results.detections,
                            .coverage = results.coverage,
                            .subscriptions = results.subscriptions};
        report->notices.insert(report->notices.end(), missing.begin(), missing.end());
    }
    bool printed = true;
    errno = 0;
    try {
        print_results(out, config, results, targets);
    } catch (const std::exception& error) {
        fmt::print(err, "wmihunt: error: {}\n", terminal_escape(error.what()));
        printed = false;
    }
    // The report is a file of its own: whether it can be written or not, the results above
    // are kept.
    if (report) {
        try {
            write_report(targets.report->stream(), *report, config.print);
            targets.report->commit(); // throws a write error, naming the file
        } catch (const std::exception& error) {
            fmt::print(err, "wmihunt: error: {}\n", terminal_escape(error.what()));
            printed = false;
        }
    }
    out.flush();
    // A reader that stopped early (wmihunt ... | head) is not an error worth a message.
    if (!out && !output_closed()) {
        fmt::print(err, "wmihunt: error: cannot write the results to standard output: {}\n",
                   errno != 0 ? std::strerror(errno) : "the write failed");
        return exit_error;
    }

    for (const Notice& notice : missing)
        print_notice(err, notice);
    if (!config.quiet) {
        size_t unread = input_errors;
        uint64_t records = 0;
        uint64_t decoded = 0; // by libevtx; the others the screen ruled out unread
        size_t rows = 0;
        for (const auto& file : results.scan.files) {
            unread += file.error.empty() ? 0 : 1;
            records += file.stats.records_total;
            decoded += file.stats.records_read + file.stats.records_failed;
        }
        for (const auto& result : results.detections)
            rows += result.rows.size();
        size_t read = results.scan.files.size() + input_errors - unread;
        std::string found = fmt::format("{} matching {} in {} {}", results.scan.matched,
                                        results.scan.matched == 1 ? "event" : "events", rows,
                                        rows == 1 ? "row" : "rows");
        if (config.subscriptions)
            found = plural(results.subscriptions.size(), "subscription", "subscriptions");
        fmt::print(err, "wmihunt: {} {} read, {} failed, {} records, {} decoded, {}, {:.1f} s\n",
                   read, read == 1 ? "file" : "files", unread, records, decoded, found,
                   seconds_since(start));
    }
    // "Nothing found" needs at least one log looked at; each unreadable one is already named.
    bool any_read = std::any_of(results.scan.files.begin(), results.scan.files.end(),
                                [](const FileReport& f) { return f.error.empty(); });
    if (!any_read && !failed) {
        fmt::print(err, "wmihunt: error: no log was read\n");
        return exit_error;
    }
    if (failed || !printed)
        return exit_error;
    return findings_status(config, results);
}

} // namespace wmihunt
