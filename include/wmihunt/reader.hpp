// reader: opens one .evtx file with libevtx and yields the records a caller selects.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wmihunt {

// A file that cannot be read at all (missing, unreadable, empty, not EVTX). what() is
// the reason alone, without the path, so callers can print "PATH: reason".
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// One event record as libevtx decoded it: the System fields wmihunt uses and the
// UserData/EventData values in document order (empty values included).
struct RawRecord {
    uint64_t record_id = 0;
    uint32_t event_id = 0;
    std::string provider;
    std::string computer;
    // System/TimeCreated/@SystemTime in 100 ns ticks since 1970-01-01 UTC; falls back to
    // the record header's written time when the XML carries none (time_from_header set).
    int64_t time_created = 0;
    bool time_from_header = false;
    std::vector<std::string> values;
};

// Which records to decode in full. Testing the event id first is cheap; only records
// whose id is selected pay for the provider name and everything else.
struct RecordSelector {
    std::vector<std::pair<std::string, uint32_t>> keys; // (provider, event id)
    bool all = false;                                   // every record, whatever its keys

    bool wants_event_id(uint32_t event_id) const;
    bool wants(std::string_view provider, uint32_t event_id) const;
};

// What reading one file met, for the warnings and the end summary.
struct ReadStats {
    uint64_t records_total = 0;  // records libevtx announced in the file
    uint64_t records_failed = 0; // records libevtx could not decode (skipped)
    uint64_t records_selected = 0;
    bool corrupted = false; // libevtx flagged the file as corrupted
    bool dirty = false;     // the header's dirty flag (file copied while in use)
};

// Reads `path` and calls `sink` for every record the selector wants, in file order.
// Throws InputError when the file cannot be opened as EVTX; a damaged record is counted
// in ReadStats::records_failed and skipped, never fatal.
ReadStats read_evtx(const std::filesystem::path& path, const RecordSelector& selector,
                    const std::function<void(const RawRecord&)>& sink);

// Parses the SystemTime attribute value libevtx writes ("2023-10-18T02:45:44.306790900Z")
// into 100 ns ticks since the Unix epoch. Returns false when the text is not of that form.
bool parse_system_time(std::string_view text, int64_t& ticks);

} // namespace wmihunt
