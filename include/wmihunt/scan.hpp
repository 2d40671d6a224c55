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
};

struct DetectionResult {
    const Detection* detection;
    Aggregator aggregate;
};

struct ScanResult {
    std::vector<DetectionResult> results; // one per detection, in the order given
    std::vector<FileReport> files;        // one per input file, in input order
};

// The records every detection in `detections` needs decoded.
RecordSelector selector_for(const std::vector<CompiledDetection>& detections);

// Optional callbacks into a scan.
struct ScanHooks {
    // Called for each event detection number `detection` matched, with the file it came
    // from, before it is counted: returning false drops it (the analyst's tuning, the time
    // window). May also record the event.
    std::function<bool(size_t detection, const Event& event, const std::filesystem::path& file)>
        accept;
    // Called after each file, read or not, with its report.
    std::function<void(const FileReport& report)> file_done;
};

// Reads every file and applies every detection to every selected record. A file that
// cannot be read is reported in its FileReport and does not affect the others.
ScanResult scan_files(const std::vector<std::filesystem::path>& files,
                      const std::vector<CompiledDetection>& detections,
                      const ScanHooks& hooks = {});

} // namespace wmihunt
