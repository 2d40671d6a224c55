// chunks: the EVTX file header and 64 KiB chunk headers, read from raw bytes with their CRC32s.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace wmihunt {

// The little-endian integer of type T at `offset` in `bytes` (EVTX stores all of them so).
template <typename T> T load_le(std::span<const std::byte> bytes, size_t offset) {
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
        value |=
            static_cast<T>(static_cast<T>(std::to_integer<uint8_t>(bytes[offset + i])) << (8 * i));
    return value;
}

constexpr size_t evtx_header_block_size = 4096;
constexpr size_t evtx_chunk_size = 65536;
// 100 ns ticks between 1601-01-01 (FILETIME, the records' written time) and the Unix epoch.
constexpr int64_t filetime_epoch_offset = 116444736000000000LL;
constexpr size_t evtx_chunk_header_size = 512;
// The most records one chunk can hold: each has at least a 24-byte header and a 4-byte
// size copy.
constexpr uint64_t max_chunk_records = (evtx_chunk_size - evtx_chunk_header_size) / 28;

// The first 128 bytes of an EVTX file ("ElfFile\0" ... CRC32 of bytes 0-119).
struct FileHeader {
    uint64_t first_chunk = 0;
    uint64_t last_chunk = 0;
    uint64_t next_record_id = 0;
    uint32_t header_size = 0;
    uint16_t minor_version = 0;
    uint16_t major_version = 0;
    uint16_t block_size = 0;
    uint16_t chunk_count = 0;
    uint32_t flags = 0; // 0x1 dirty, 0x2 full
    bool crc_ok = false;

    bool dirty() const { return (flags & 0x1) != 0; }
    // True when the header has the layout every known writer uses (128-byte header in a
    // 4096-byte block, version 3.x) and its CRC32 holds.
    bool well_formed() const;
};

// Parses the file header; nullopt when `bytes` is shorter than 128 bytes or does not
// start with the "ElfFile\0" signature.
std::optional<FileHeader> parse_file_header(std::span<const std::byte> bytes);

enum class ChunkStatus {
    ok,             // "ElfChnk\0", header and event-data CRC32 hold
    unused,         // all-zero signature: space the log allocated but never wrote
    bad_magic,      // neither a chunk signature nor an unused chunk
    bad_header_crc, // signature present, header CRC32 wrong
    bad_data_crc,   // header fine, CRC32 of the event records wrong
    truncated,      // the file ends inside this chunk
};

// Human-readable name of a status ("bad data CRC").
const char* to_string(ChunkStatus status);

struct ChunkHeader {
    ChunkStatus status = ChunkStatus::bad_magic;
    uint64_t first_record_number = 0;
    uint64_t last_record_number = 0;
    uint64_t first_record_id = 0;
    uint64_t last_record_id = 0;
    uint32_t free_space_offset = 0;

    // Records the header announces: 0 unless the header's own CRC held (status ok or
    // bad_data_crc), since only then are its record numbers trustworthy, and 0 for numbers
    // that cannot describe a chunk's records (an empty chunk's: first 1, last 2^64 - 1;
    // more than max_chunk_records), so that no sum of them can wrap.
    uint64_t record_count() const;
};

// The CRC32 (IEEE, as EVTX and zlib use it) of `bytes`, continuing from `crc`.
uint32_t evtx_crc32(std::span<const std::byte> bytes, uint32_t crc = 0);

// Rewrites the file header at the start of `image` (a header block followed by chunks)
// so that it describes exactly `chunks` chunks, numbered from 0, with a valid CRC.
void describe_chunks(std::span<std::byte> image, uint64_t chunks);

// Inspects one chunk: `bytes` is the chunk as stored, evtx_chunk_size bytes unless the
// file ends inside it (then the status is truncated). Never reads outside `bytes`.
ChunkHeader inspect_chunk(std::span<const std::byte> bytes);

} // namespace wmihunt
