// damage.hpp: damage applied to a finished EVTX image on request, and which records it loses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace evtxgen {

enum class DamageKind {
    BadHeaderCrc,      // file header CRC32 wrong; all chunks intact
    BadChunkHeaderCrc, // chunk `chunk`: header CRC32 wrong
    BadChunkDataCrc,   // chunk `chunk`: event records CRC32 wrong
    BadChunkMagic,     // chunk `chunk`: signature "ElfChnk\0" overwritten
    Truncate,          // file cut in the middle of chunk `chunk`
    SlackGarbage,      // chunk `chunk`: random bytes after the free space offset
    BadRecordSizeCopy, // record `record` (1-based in the file): trailing size copy wrong
    // chunk `chunk`: its first record's template instance declares 0x40000001 values, whose
    // descriptors cannot fit in a chunk (a 32-bit count * 4 wraps to 4); CRCs recomputed.
    TemplateValueCount,
    // Marks a scenario whose events carry Null-typed values where the template declares a
    // string or number (Windows writes empty strings instead); no bytes change after writing.
    NullValues,
};

struct Damage {
    DamageKind kind;
    std::size_t chunk = 0;    // 0-based chunk index
    std::uint64_t record = 0; // record id, BadRecordSizeCopy only
    std::uint64_t seed = 0;   // SlackGarbage bytes
};

// Parses "bad_header_crc", "bad_chunk_header_crc", "bad_chunk_data_crc", "bad_chunk_magic",
// "truncate", "slack_garbage", "bad_record_size_copy", "template_value_count", "null_values";
// throws std::invalid_argument otherwise.
DamageKind parse_damage_kind(std::string_view name);
std::string_view damage_kind_name(DamageKind kind);

// Applies `d` to the file image `file` (a complete EVTX file as EvtxWriter wrote it).
// Throws std::invalid_argument when the chunk or record does not exist.
void apply_damage(const Damage& d, std::vector<std::uint8_t>& file);

// Whether a careful reader is expected to lose chunk `chunk` of a file damaged by `d`
// (the bad-magic chunk, the chunk with an impossible template value count; for Truncate
// the cut chunk and all later ones).
bool damage_loses_chunk(const Damage& d, std::size_t chunk);

// Sets the file header flags (dirty/full) and recomputes the header CRC.
void set_file_flags(std::vector<std::uint8_t>& file, std::uint32_t flags);

} // namespace evtxgen
