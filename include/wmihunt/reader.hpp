// reader: opens one .evtx file with libevtx and yields the records a caller selects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
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

// What reading one file (or part of one) met, for the warnings and the end summary.
// Parts of one file add up with +=.
struct ReadStats {
    uint64_t records_total = 0;    // records in the file: decoded ones plus those the
                                   // chunk headers announce in chunks the screen skipped
    uint64_t records_decoded = 0;  // records libevtx was asked to decode
    uint64_t records_failed = 0;   // records libevtx could not decode (skipped)
    uint64_t records_selected = 0; // records handed to the sink
    uint64_t records_missing = 0;  // announced by sound chunk headers, never returned by
                                   // libevtx (it stopped early inside a damaged chunk)
    uint64_t chunks_total = 0;     // chunks in the file (0 when read unscreened)
    uint64_t chunks_decoded = 0;   // chunks given to libevtx
    uint64_t chunks_unused = 0;    // allocated, never written
    uint64_t chunks_bad = 0;       // bad magic or CRC: kept for libevtx, never dropped
    uint64_t chunks_truncated = 0; // the file ends inside the chunk
    uint64_t bytes = 0;            // bytes read from the file
    bool corrupted = false;        // libevtx flagged the file as corrupted
    bool dirty = false;            // the header's dirty flag (file copied while in use)

    ReadStats& operator+=(const ReadStats& other);
};

// Reads `path` and calls `sink` for every record the selector wants, in file order.
// Throws InputError when the file cannot be opened as EVTX; a damaged record is counted
// in ReadStats::records_failed and skipped, never fatal.
ReadStats read_evtx(const std::filesystem::path& path, const RecordSelector& selector,
                    const std::function<void(const RawRecord&)>& sink);

// Reads an EVTX image held in memory (a file header block followed by chunks), as
// read_evtx does for a file. `image` is not modified and must outlive the call. Throws
// InputError when libevtx cannot open the image.
ReadStats read_evtx_image(std::span<const std::byte> image, const RecordSelector& selector,
                          const std::function<void(const RawRecord&)>& sink);

// Explains why `path` cannot be an EVTX file (missing, a directory, unreadable, empty,
// no "ElfFile" signature), or returns an empty string when it may be one.
std::string evtx_precheck(const std::filesystem::path& path);

// Parses the SystemTime attribute value libevtx writes ("2023-10-18T02:45:44.306790900Z")
// into 100 ns ticks since the Unix epoch. Returns false when the text is not of that form.
bool parse_system_time(std::string_view text, int64_t& ticks);

} // namespace wmihunt
