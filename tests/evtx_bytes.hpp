// Hand-built EVTX bytes for the tests: a file header and a sound chunk, laid out as
// libyal's EVTX format documentation describes them.
#pragma once

#include "wmihunt/chunks.hpp"

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace wmihunt::test {

inline void put(std::vector<std::byte>& b, size_t offset, uint64_t value, size_t size) {
    for (size_t i = 0; i < size; ++i)
        b[offset + i] = static_cast<std::byte>((value >> (8 * i)) & 0xFF);
}
inline uint32_t crc(const std::vector<std::byte>& b, size_t from, size_t to, uint32_t start = 0) {
    return static_cast<uint32_t>(::crc32(start, reinterpret_cast<const Bytef*>(b.data() + from),
                                         static_cast<uInt>(to - from)));
}
inline std::vector<std::byte> file_header(uint16_t chunks, uint32_t flags) {
    std::vector<std::byte> b(evtx_header_block_size);
    std::memcpy(b.data(), "ElfFile\0", 8);
    put(b, 8, 0, 8);
    put(b, 16, chunks - 1u, 8);
    put(b, 24, 75, 8);   // next record id
    put(b, 32, 128, 4);  // header size
    put(b, 36, 2, 2);    // minor version
    put(b, 38, 3, 2);    // major version
    put(b, 40, 4096, 2); // header block size
    put(b, 42, chunks, 2);
    put(b, 120, flags, 4);
    put(b, 124, crc(b, 0, 120), 4);
    return b;
}
// A chunk announcing records 1..74 whose "event data" is 600 bytes of a pattern.
inline std::vector<std::byte> chunk() {
    std::vector<std::byte> b(evtx_chunk_size);
    std::memcpy(b.data(), "ElfChnk\0", 8);
    put(b, 8, 1, 8);
    put(b, 16, 74, 8);
    put(b, 24, 1, 8);
    put(b, 32, 74, 8);
    put(b, 40, 128, 4);
    uint32_t free_space = 512 + 600;
    put(b, 48, free_space, 4);
    for (size_t i = 512; i < free_space; ++i)
        b[i] = static_cast<std::byte>(i * 7);
    put(b, 52, crc(b, 512, free_space), 4);
    put(b, 124, crc(b, 128, 512, crc(b, 0, 120)), 4);
    return b;
}

} // namespace wmihunt::test
