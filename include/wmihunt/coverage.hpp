// coverage: which hosts' logs of each source the selected detections read, and over when.
#pragma once

#include "wmihunt/consumer.hpp"
#include "wmihunt/detection.hpp"
#include "wmihunt/scan.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace wmihunt {

// One host's log of one source: the files that hold it, their records and the time
// range of those records (record headers), or first_time > last_time when unknown.
struct CoverageRow {
    std::string host;
    std::string source; // the channel ("Microsoft-Windows-Sysmon/Operational"), else provider
    std::string provider;
    uint64_t files = 0;
    uint64_t records = 0;
    int64_t first_time = INT64_MAX;
    int64_t last_time = INT64_MIN;
};

// Builds the coverage of a scan: files are attributed to a log source by their first
// record (ReadStats::log_provider, log_channel, log_host); as a consumer of the event
// stream it also notes the providers of matched events, so that a source found only in
// a mixed file still counts as present.
class Coverage : public EventConsumer {
  public:
    explicit Coverage(const std::vector<const Detection*>& selected);
    void consume(const MatchedEvent& event) override;

    // Rows for the sources the selected detections read, sorted by host then source.
    std::vector<CoverageRow> rows(const std::vector<FileReport>& files) const;

    // For each provider a selected detection reads and no input holds (no file's first
    // record is of it, no matched event comes from it): the provider and the names of the
    // detections that could therefore find nothing.
    std::vector<std::pair<std::string, std::vector<std::string>>>
    missing_sources(const std::vector<FileReport>& files) const;

  private:
    std::vector<const Detection*> m_selected;
    std::set<std::string> m_matched_providers;
};

} // namespace wmihunt
