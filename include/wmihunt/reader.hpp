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
    uint64_t record_id = 0; // System/EventRecordID; the record header's number when absent
    uint32_t event_id = 0;
    std::string provider;
    std::string computer;
    // System/TimeCreated/@SystemTime in 100 ns ticks since 1970-01-01 UTC; falls back to
    // the record header's written time when the XML carries none (time_from_header set).
    int64_t time_created = 0;
    bool time_from_header = false;
    std::string channel; // System/Channel; empty when the XML carries none
    // Found by libevtx's recovery scan of unused space (a deleted or overwritten record),
    // not listed in the file's chunks: read only when RecordSelector::recovered is set.
    bool recovered = false;
    std::vector<std::string> values;
};

// Which records to decode in full. Testing the event id first is cheap; only records
// whose id is selected pay for the provider name and everything else.
struct RecordSelector {
    std::vector<std::pair<std::string, uint32_t>> keys; // (provider, event id)
    bool all = false;                                   // every record, whatever its keys
    bool recovered = false; // also the records libevtx recovers, after the regular ones

    bool wants_event_id(uint32_t event_id) const;
    bool wants(std::string_view provider, uint32_t event_id) const;
};

// What reading one file met, for the warnings and the end summary.
struct ReadStats {
    uint64_t records_total = 0;    // records libevtx announced in the file's chunks
    uint64_t records_read = 0;     // of those, decoded
    uint64_t records_failed = 0;   // of those, rejected by libevtx (skipped)
    uint64_t recovered_total = 0;  // records libevtx's recovery scan found (read or not)
    uint64_t recovered_read = 0;   // of those, decoded (only when the selector asks for them)
    uint64_t recovered_failed = 0; // of those, rejected by libevtx (ditto)
    uint64_t records_selected = 0; // regular and recovered records passed to the sink
    // Bytes after the last whole 64 KiB chunk: a file cut short (or carved) mid-chunk.
    // libevtx reads only whole chunks, so the records in that part are lost.
    uint64_t partial_chunk_bytes = 0;
    // libevtx flagged the file as corrupted. Informational only: most logs copied from a
    // live system carry this state.
    bool corrupted = false;
    bool dirty = false;       // the header's dirty flag (file copied while in use)
    bool interrupted = false; // reading stopped early because interrupted() became true

    // True when something in the file could not be read: rejected records or a partial
    // chunk. (Recovered records that fail to decode are not damage: libevtx's recovery
    // scan proposes candidates, many of which are only leftovers.)
    bool damaged() const { return records_failed > 0 || partial_chunk_bytes > 0; }
};

// Reads `path` and calls `sink` for every record the selector wants, in file order, then
// (with selector.recovered) the recovered records. The file is opened read-only.
// Throws InputError when the file cannot be opened as EVTX; a damaged record is counted
// in ReadStats and skipped, never fatal. Stops early, setting ReadStats::interrupted,
// once interrupted() (interrupt.hpp) is true.
ReadStats read_evtx(const std::filesystem::path& path, const RecordSelector& selector,
                    const std::function<void(const RawRecord&)>& sink);

// Parses the SystemTime attribute value libevtx writes ("2023-10-18T02:45:44.306790900Z")
// into 100 ns ticks since the Unix epoch. Returns false when the text is not of that form.
bool parse_system_time(std::string_view text, int64_t& ticks);

} // namespace wmihunt
