// chunks: EVTX header parsing and CRC32 validation (CRC32 from libdeflate).
#include "wmihunt/chunks.hpp"

#include <libdeflate.h>

#include <algorithm>
#include <cstring>

namespace wmihunt {

namespace {

bool starts_with(std::span<const std::byte> bytes, const char (&signature)[9]) {
    return bytes.size() >= 8 && std::memcmp(bytes.data(), signature, 8) == 0;
}

} // namespace

uint32_t evtx_crc32(std::span<const std::byte> bytes, uint32_t crc) {
    return libdeflate_crc32(crc, bytes.data(), bytes.size());
}

bool FileHeader::well_formed() const {
    return crc_ok && header_size == 128 && block_size == evtx_header_block_size &&
           major_version == 3;
}

std::optional<FileHeader> parse_file_header(std::span<const std::byte> bytes) {
    if (bytes.size() < 128 || !starts_with(bytes, "ElfFile\0"))
        return std::nullopt;
    FileHeader header;
    header.first_chunk = load_le<uint64_t>(bytes, 8);
    header.last_chunk = load_le<uint64_t>(bytes, 16);
    header.next_record_id = load_le<uint64_t>(bytes, 24);
    header.header_size = load_le<uint32_t>(bytes, 32);
    header.minor_version = load_le<uint16_t>(bytes, 36);
    header.major_version = load_le<uint16_t>(bytes, 38);
    header.block_size = load_le<uint16_t>(bytes, 40);
    header.chunk_count = load_le<uint16_t>(bytes, 42);
    header.flags = load_le<uint32_t>(bytes, 120);
    header.crc_ok = evtx_crc32(bytes.first(120)) == load_le<uint32_t>(bytes, 124);
    return header;
}

const char* to_string(ChunkStatus status) {
    switch (status) {
    case ChunkStatus::ok:
        return "ok";
    case ChunkStatus::unused:
        return "unused";
    case ChunkStatus::bad_magic:
        return "bad magic";
    case ChunkStatus::bad_header_crc:
        return "bad header CRC";
    case ChunkStatus::bad_data_crc:
        return "bad data CRC";
    case ChunkStatus::truncated:
        return "truncated";
    }
    return "unknown";
}

uint64_t ChunkHeader::record_count() const {
    // A bad data CRC leaves the header, whose own CRC held, trustworthy.
    bool header_sound = status == ChunkStatus::ok || status == ChunkStatus::bad_data_crc;
    // An empty chunk, as Windows writes it, has first 1 and last 2^64 - 1: the difference
    // alone would announce 2^64 - 1 records. No chunk holds more than max_chunk_records.
    if (!header_sound || last_record_number < first_record_number ||
        last_record_number - first_record_number >= max_chunk_records)
        return 0;
    return last_record_number - first_record_number + 1;
}

void describe_chunks(std::span<std::byte> image, uint64_t chunks) {
    auto store = [&](size_t offset, uint64_t value, size_t size) {
        for (size_t i = 0; i < size; ++i)
            image[offset + i] = static_cast<std::byte>((value >> (8 * i)) & 0xFF);
    };
    store(8, 0, 8);                // first chunk number
    store(16, chunks - 1, 8);      // last chunk number
    store(42, chunks & 0xFFFF, 2); // number of chunks
    store(124, evtx_crc32(image.first(120)), 4);
}

ChunkHeader inspect_chunk(std::span<const std::byte> bytes) {
    ChunkHeader chunk;
    if (bytes.size() < evtx_chunk_size) {
        chunk.status = ChunkStatus::truncated;
        return chunk;
    }
    if (!starts_with(bytes, "ElfChnk\0")) {
        bool zero = std::all_of(bytes.begin(), bytes.begin() + 8,
                                [](std::byte b) { return b == std::byte{0}; });
        chunk.status = zero ? ChunkStatus::unused : ChunkStatus::bad_magic;
        return chunk;
    }
    chunk.first_record_number = load_le<uint64_t>(bytes, 8);
    chunk.last_record_number = load_le<uint64_t>(bytes, 16);
    chunk.first_record_id = load_le<uint64_t>(bytes, 24);
    chunk.last_record_id = load_le<uint64_t>(bytes, 32);
    chunk.free_space_offset = load_le<uint32_t>(bytes, 48);
    // The header CRC covers bytes 0-119 and 128-511, skipping the flags and the CRC itself.
    uint32_t header_crc = evtx_crc32(bytes.first(120));
    header_crc = evtx_crc32(bytes.subspan(128, evtx_chunk_header_size - 128), header_crc);
    if (header_crc != load_le<uint32_t>(bytes, 124)) {
        chunk.status = ChunkStatus::bad_header_crc;
        return chunk;
    }
    if (chunk.free_space_offset < evtx_chunk_header_size ||
        chunk.free_space_offset > evtx_chunk_size) {
        chunk.status = ChunkStatus::bad_data_crc;
        return chunk;
    }
    uint32_t data_crc = evtx_crc32(
        bytes.subspan(evtx_chunk_header_size, chunk.free_space_offset - evtx_chunk_header_size));
    chunk.status =
        data_crc == load_le<uint32_t>(bytes, 52) ? ChunkStatus::ok : ChunkStatus::bad_data_crc;
    return chunk;
}

} // namespace wmihunt
