// scan: reads files in parallel and hands consumers one ordered stream of matched events.
#pragma once

#include "wmihunt/consumer.hpp"
#include "wmihunt/detection.hpp"
#include "wmihunt/reader.hpp"
#include "wmihunt/tuning.hpp"

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

struct ScanResult {
    std::vector<FileReport> files; // one per file read or skipped, in input order
    uint64_t matched = 0;          // events handed to the consumers
    bool interrupted = false;      // stopped early: the results are partial (files with
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
    // Called after each unit of work (a file, or a range of a large file's chunks) with
    // what it read, and the number of its events a detection kept (before duplicates are
    // dropped): for a progress display.
    std::function<void(const ReadStats& part, uint64_t events)> unit_done;
    // Called once per file, read or not, with its complete report, when its last part
    // has been read.
    std::function<void(const FileReport& report)> file_done;
};

// Reads every file on options.threads threads, applies every detection and then `filter`
// to every selected record (in the workers), and hands each event some detection keeps, or
// some consumer also reads (EventConsumer::also_reads), to every consumer, as consumer.hpp describes: in input order, whatever the number of
// threads, and the same events with or without screening. A file that cannot be read is
// reported in its FileReport and does not affect the others. Unless
// options.keep_duplicates, a file with the same bytes as an earlier one is not read, and
// an event already seen (dedupe.hpp) is not handed on again. Once interrupted() is true,
// reading stops at the next record and ScanResult::interrupted is set.
ScanResult scan_files(const std::vector<std::filesystem::path>& files,
                      const std::vector<CompiledDetection>& detections,
                      const std::vector<EventConsumer*>& consumers, const ScanOptions& options = {},
                      const EventFilter& filter = {}, const ScanHooks& hooks = {});

} // namespace wmihunt
