// scan: wires reader -> extractor -> detections -> aggregators over a list of files.
#pragma once

#include "wmihunt/aggregator.hpp"
#include "wmihunt/detection.hpp"
#include "wmihunt/reader.hpp"

#include <filesystem>
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

// Reads every file and applies every detection to every selected record. A file that
// cannot be read is reported in its FileReport and does not affect the others.
ScanResult scan_files(const std::vector<std::filesystem::path>& files,
                      const std::vector<CompiledDetection>& detections);

} // namespace wmihunt
