// scan: wires reader -> extractor -> detections -> aggregators over a list of files.
#pragma once

#include "wmihunt/aggregator.hpp"
#include "wmihunt/detection.hpp"
#include "wmihunt/reader.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace wmihunt {

// The outcome of reading one file: its stats, or why it could not be read at all.
struct FileReport {
    std::filesystem::path path;
    std::string error; // empty when the file was read
    ReadStats stats;
    std::filesystem::path duplicate_of; // not read: same bytes as this earlier file
    uint64_t duplicate_events = 0;      // selected events already seen in an earlier record
};

struct DetectionResult {
    const Detection* detection;
    Aggregator aggregate;
};

struct ScanResult {
    std::vector<DetectionResult> results; // one per detection, in the order given
    std::vector<FileReport> files;        // one per file read or skipped, in input order
    bool interrupted = false;             // stopped early: the results are partial (files with
                                          // stats.interrupted were not, or not wholly, read)
};

struct ScanOptions {
    unsigned threads = 0;         // worker threads; 0 = one per core
    bool screen = true;           // skip chunks that cannot hold a selected record (see screen.hpp)
    bool recover = false;         // also use the records libevtx recovers
    bool keep_duplicates = false; // read identical files and count repeated events again
};

// Chunks per unit of work: a larger file is split into ranges read in parallel.
constexpr uint64_t scan_unit_chunks = 256;

// The records every detection in `detections` needs decoded.
RecordSelector selector_for(const std::vector<CompiledDetection>& detections);

// Optional callbacks into a scan. The scan never calls them concurrently, whatever the
// number of threads, so they need no locking of their own.
struct ScanHooks {
    // Called for each event detection number `detection` matched, with the file it came
    // from, before it is counted: returning false drops it (the analyst's tuning, the time
    // window). May also record the event. Calls come in no particular order.
    std::function<bool(size_t detection, const Event& event, const std::filesystem::path& file)>
        accept;
    // Called after each unit of work (a file, or a range of a large file's chunks) with
    // what it read, and the number of its events a detection kept (before duplicates are
    // dropped): for a progress display.
    std::function<void(const ReadStats& part, uint64_t events)> unit_done;
    // Called once per file, read or not, with its complete report, when its last part
    // has been read.
    std::function<void(const FileReport& report)> file_done;
};

// Reads every file and applies every detection to every selected record, on
// options.threads threads. The rows do not depend on the thread count or on screening.
// A file that cannot be read is reported in its FileReport and does not affect the others.
// Unless options.keep_duplicates, a file with the same bytes as an earlier one is not read,
// and an event already seen (dedupe.hpp) is not counted again. Once interrupted() is
// true, reading stops at the next record and ScanResult::interrupted is set.
ScanResult scan_files(const std::vector<std::filesystem::path>& files,
                      const std::vector<CompiledDetection>& detections,
                      const ScanOptions& options = {}, const ScanHooks& hooks = {});

} // namespace wmihunt
