// screen: reads a file's chunks as raw bytes and hands libevtx only those that can hold a
// selected record, so that most of a collection is never decoded.
#pragma once

#include "wmihunt/chunks.hpp"
#include "wmihunt/reader.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wmihunt {

// The decision for one chunk. A chunk is kept when the UTF-16LE bytes of a provider name
// the selector wants occur anywhere in its 64 KiB (libevtx can only report that provider
// for a record whose chunk holds the name, in its string table, a template or a value),
// or when the chunk is damaged or truncated, since then the screen cannot be sure.
//
// Within a kept chunk, a record is skipped only when its bytes prove that libevtx cannot
// give it a selected event id (plan_records). libevtx (its XML parser, libfwevt, as
// Debian 12 ships it) takes an event id only by converting a value of a template
// instance's value array to a 32-bit integer, never from text: the value its template
// definition substitutes as the whole content of Event/System/EventID. When that
// definition walks exactly as BinXml, only that value counts; otherwise every value of the
// record's arrays does. A record is decoded when a value that counts is a number equal to
// a selected id, or of a type that might convert (see may_be_selected_id in screen.cpp),
// and not when each is a string, binary, GUID, SID or a number equal to no selected id. (Comparing
// bytes instead would keep every Sysmon record for ids 19 to 21: those bytes are also the type
// codes of every System template's values.) A record is skipped when it has the layout Windows
// writes, which bounds every value array libevtx can read for it inside the record itself: a
// fragment header, a template instance whose definition comes earlier in the chunk (or is
// inline and walks exactly as BinXml to its declared end), its value array, the end-of-document
// token; nested documents (BinXml values) hold one template instance each, with their value arrays
// inside the value. And when no value of those arrays may be a selected id, as above. Anything else
// (an inline definition, an unknown token, sizes that do not add up) is decoded.
class Screen {
  public:
    // With selector.all every chunk is kept.
    explicit Screen(const RecordSelector& selector);

    bool keep(std::span<const std::byte> chunk, ChunkStatus status) const;

    // Which records of a sound, kept chunk to decode: nullopt when the screen cannot
    // walk the chunk's records exactly as its header announces them (then all are
    // decoded), or when records are not screened (every record selected).
    std::optional<RecordPlan> plan_records(std::span<const std::byte> chunk,
                                           const ChunkHeader& header) const;

  private:
    // Whether some needle occurs in `chunk`.
    bool holds_a_needle(std::span<const std::byte> chunk) const;

    std::vector<std::string> m_needles;
    size_t m_window = 0;          // the shortest needle's length
    std::vector<uint8_t> m_shift; // per gram hash: how far the window may move
    std::vector<uint32_t> m_ids;  // each selected event id, once
    bool m_all;
    bool m_records = true; // records can be screened
};

// Chunks per libevtx image, and images read but not yet decoded, per unit of work: small
// enough that the kept chunks of one file spread over the threads, and bound the memory
// a unit holds at once (4 x 4 chunks x 64 KiB).
constexpr size_t screen_batch_chunks = 4;
constexpr size_t screen_batches_in_flight = 4;

// Reads chunks [first_chunk, first_chunk + chunk_count) of the EVTX file open as `fd`,
// whose first evtx_header_block_size bytes are `header_block`, and decodes the chunks the
// screen keeps with read_evtx_image, screen_batch_chunks at a time, as parallel tasks of
// the calling oneTBB arena. `sink` is called on the calling thread, in file order. Skipped
// chunks count their announced records in records_total. Throws InputError when the
// file cannot be read.
ReadStats screen_and_read(int fd, std::span<const std::byte> header_block, uint64_t first_chunk,
                          uint64_t chunk_count, const Screen& screen,
                          const RecordSelector& selector,
                          const std::function<void(const RawRecord&)>& sink);

} // namespace wmihunt
