// guard: finds, in a chunk's raw bytes, what would make libevtx allocate or read without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace wmihunt {

// A template instance whose value count libevtx would trust although its value
// descriptors cannot fit in the chunk.
struct ChunkHazard {
    size_t offset = 0;            // of the template instance token in the chunk
    uint32_t value_count = 0;     // the count it declares
    std::string describe() const; // "a template instance at offset 0x... declares N values"
};

// The first template instance in `chunk` (a chunk as stored, any length) that would make
// Debian 12's libevtx (libfwevt 2018) allocate and read past the chunk.
//
// libfwevt reads a template instance (token 0x0C) wherever a record's document, or a
// BinXml value substituted into it, has one: always inside the record's chunk, which is
// the only bound it checks against. Its value array starts with a 32-bit count; it checks
// that `count * 4` descriptor bytes fit in the chunk, but computes `count * 4` in 32 bits,
// so a count of 2^30 or more wraps to a small size, passes, and libfwevt then allocates
// `count` entries (8 GiB for 2^30) and reads `count` descriptors far past the chunk. Every
// byte 0x0C of the chunk is examined as such a token, as libfwevt would lay it out (value
// array after the 10-byte header, or after an inline definition), so no path through
// the document can reach one that is not examined. Counts below 2^30 are bounded by the
// chunk and harmless.
std::optional<ChunkHazard> find_chunk_hazard(std::span<const std::byte> chunk);

} // namespace wmihunt
