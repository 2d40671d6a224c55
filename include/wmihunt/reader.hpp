// reader: opens one .evtx file with libevtx and yields the records a caller selects.
#pragma once

#include "wmihunt/chunks.hpp"

#include <algorithm>
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
    // The name of each value, where the XML gives one: EventData/Data/@Name, or the tag
    // name of a child of UserData's element. As many as values when the XML and libevtx's
    // strings agree; otherwise those the XML gives, which name values only by position.
    std::vector<std::string> names;
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

// The records of an image that libevtx need not decode: the screen (screen.hpp) proved
// from their bytes that none holds a selected event id. One entry per record, in the
// order libevtx numbers them.
struct RecordPlan {
    std::vector<uint64_t> ids; // each record's identifier, from its record header
    std::vector<bool> decode;  // false: skip it
    // The earliest and latest written time of the records' headers (ticks since the Unix
    // epoch); equal to first_time > last_time when there are none.
    int64_t first_time = INT64_MAX;
    int64_t last_time = INT64_MIN;
};

// Thrown by read_evtx_image when libevtx's records are not those the plan describes;
// the caller then reads the image again without a plan.
struct RecordPlanMismatch : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// What reading one file (or part of one) met, for the warnings and the end summary.
// Parts of one file add up with +=.
struct ReadStats {
    uint64_t records_total = 0;    // records in the file: decoded ones plus those the
                                   // chunk headers announce in chunks the screen skipped
    uint64_t records_decoded = 0;  // records libevtx was asked to decode
    uint64_t records_read = 0;     // of those, decoded
    uint64_t records_failed = 0;   // of those, rejected by libevtx (skipped)
    uint64_t records_screened = 0; // of those, not decoded: the record screen ruled them out
    uint64_t recovered_total = 0;  // records libevtx's recovery scan found (read or not)
    uint64_t recovered_read = 0;   // of those, decoded (only when the selector asks for them)
    uint64_t recovered_failed = 0; // of those, rejected by libevtx (ditto)
    uint64_t records_selected = 0; // regular and recovered records handed to the sink
    uint64_t records_missing = 0;  // announced by sound chunk headers, never returned by
                                   // libevtx (it stopped early inside a damaged chunk)
    uint64_t chunks_total = 0;     // chunks in the file (0 when read unscreened)
    uint64_t chunks_decoded = 0;   // chunks given to libevtx
    uint64_t chunks_unused = 0;    // allocated, never written
    uint64_t chunks_bad = 0;       // bad magic or CRC: kept for libevtx, never dropped
    uint64_t chunks_truncated = 0; // the file ends inside the chunk
    uint64_t chunks_refused = 0;   // not given to libevtx: it cannot read them within bounds
                                   // (guard.hpp); their announced records are in
                                   // records_total and lost
    std::string refusal;           // why the first refused chunk was refused
    uint64_t chunks_announced = 0; // chunks the file header (CRC sound) announces
    uint64_t chunks_present = 0;   // chunks the file holds, a last partial one included:
                                   // fewer than announced when the file was cut short at a
                                   // chunk boundary
    uint64_t bytes = 0;            // bytes read from the file
    // libevtx flagged the file as corrupted. Informational only: most logs copied from a
    // live system carry this state.
    bool corrupted = false;
    bool dirty = false;          // the header's dirty flag (file copied while in use)
    bool header_crc_bad = false; // the file header's CRC32 is wrong (chunks read anyway)
    bool interrupted = false;    // reading stopped early because interrupted() became true
    bool changed = false;        // the file's size, modification time or inode changed
                                 // while it was read

    // True when the file header announces more chunks than the file holds.
    bool cut_short() const { return chunks_announced > chunks_present; }

    // What log this is: the provider and channel of the first record libevtx decoded (any
    // event id), and the host of the last one (a host renamed while it logged shows under
    // its later name). Empty when no record was decoded. Parts add up in file order.
    std::string log_provider;
    std::string log_channel;
    std::string log_host;
    // The earliest and latest written time of the records read or screened (record
    // headers, ticks since the Unix epoch; a zero time is left out); first_time >
    // last_time when none was seen.
    int64_t first_time = INT64_MAX;
    int64_t last_time = INT64_MIN;

    // Adds the time range of a record written at `time`.
    void saw_time(int64_t time) {
        first_time = std::min(first_time, time);
        last_time = std::max(last_time, time);
    }

    ReadStats& operator+=(const ReadStats& other);

    // Counts one chunk of the file in chunks_total and, by its status, in chunks_unused,
    // chunks_truncated or chunks_bad.
    void count_chunk(ChunkStatus status);

    // Counts a chunk not given to libevtx, for `reason`, with the records its header
    // announces (lost).
    void refuse_chunk(uint64_t announced, std::string reason);

    // True when something in the file could not be read or is damaged: rejected or
    // missing records, a chunk with bad magic or CRC, a chunk the file ends inside, a
    // chunk refused to libevtx, or a file header with a wrong CRC. (Recovered records that fail to
    // decode are not damage: libevtx's recovery scan proposes candidates, many of which are
    // leftovers.)
    bool damaged() const {
        return records_failed > 0 || records_missing > 0 || chunks_bad > 0 ||
               chunks_truncated > 0 || chunks_refused > 0 || header_crc_bad || cut_short() ||
               changed;
    }
};

// Reads `path` and calls `sink` for every record the selector wants, in file order, then
// (with selector.recovered) the recovered records. The file is opened read-only. Its chunks
// are first read as raw bytes and checked (guard.hpp): libevtx reads the file itself only
// when none is hazardous; otherwise it is given the other chunks, a few at a time, and
// the hazardous ones are counted in chunks_refused.
// Throws InputError when the file cannot be opened as EVTX; a damaged record is counted
// in ReadStats and skipped, never fatal. Stops early, setting ReadStats::interrupted,
// once interrupted() (interrupt.hpp) is true.
ReadStats read_evtx(const std::filesystem::path& path, const RecordSelector& selector,
                    const std::function<void(const RawRecord&)>& sink);

// Reads an EVTX image held in memory (a file header block followed by chunks), as
// read_evtx does for a file. `image` is not modified and must outlive the call. Throws
// InputError when libevtx cannot open the image.
// With a `plan` whose records are libevtx's, the records it rules out are not decoded;
// a plan for other records throws RecordPlanMismatch (the records `sink` was given
// until then are to be discarded).
ReadStats read_evtx_image(std::span<const std::byte> image, const RecordSelector& selector,
                          const std::function<void(const RawRecord&)>& sink,
                          const RecordPlan* plan = nullptr);

// Explains why `path` cannot be an EVTX file (missing, a directory, unreadable, empty,
// no "ElfFile" signature), or returns an empty string when it may be one.
std::string evtx_precheck(const std::filesystem::path& path);

// Explains why a file whose first bytes are `head` cannot be an EVTX file (empty, no
// "ElfFile" signature), or returns an empty string when it may be one.
std::string evtx_signature_problem(std::span<const std::byte> head);

// Parses the SystemTime attribute value libevtx writes ("2023-10-18T02:45:44.306790900Z")
// into 100 ns ticks since the Unix epoch. Returns false when the text is not of that form.
bool parse_system_time(std::string_view text, int64_t& ticks);

} // namespace wmihunt
