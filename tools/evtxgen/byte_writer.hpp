// byte_writer.hpp: little-endian writes into a caller-owned byte range, with overflow detection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace evtxgen {

// Writes little-endian integers and raw bytes at a moving position inside [data, data+capacity).
// A write that would pass the end is not performed; the position still advances and
// overflowed() becomes true, so a caller can write a whole record and check once.
class ByteWriter {
  public:
    ByteWriter(std::uint8_t* data, std::size_t capacity, std::size_t pos = 0)
        : m_data(data), m_capacity(capacity), m_pos(pos) {}

    std::size_t pos() const { return m_pos; }
    bool overflowed() const { return m_overflow; }
    std::uint8_t* data() const { return m_data; }

    void u8(std::uint8_t v) { raw(&v, 1); }
    void u16(std::uint16_t v) {
        std::uint8_t b[2] = {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)};
        raw(b, 2);
    }
    void u32(std::uint32_t v) {
        std::uint8_t b[4];
        for (int i = 0; i < 4; ++i)
            b[i] = static_cast<std::uint8_t>(v >> (8 * i));
        raw(b, 4);
    }
    void u64(std::uint64_t v) {
        std::uint8_t b[8];
        for (int i = 0; i < 8; ++i)
            b[i] = static_cast<std::uint8_t>(v >> (8 * i));
        raw(b, 8);
    }
    void raw(const void* src, std::size_t n) {
        if (!m_overflow && m_pos + n <= m_capacity) {
            if (n != 0)
                std::memcpy(m_data + m_pos, src, n);
        } else {
            m_overflow = true;
        }
        m_pos += n;
    }
    void zeros(std::size_t n) {
        if (!m_overflow && m_pos + n <= m_capacity)
            std::memset(m_data + m_pos, 0, n);
        else
            m_overflow = true;
        m_pos += n;
    }
    // Overwrites 2 or 4 bytes already written at `at` (ignored when `at` lies past the end).
    void patch_u16(std::size_t at, std::uint16_t v) {
        if (at + 2 <= m_capacity) {
            m_data[at] = static_cast<std::uint8_t>(v);
            m_data[at + 1] = static_cast<std::uint8_t>(v >> 8);
        }
    }
    void patch_u32(std::size_t at, std::uint32_t v) {
        if (at + 4 <= m_capacity) {
            for (int i = 0; i < 4; ++i)
                m_data[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
        }
    }

  private:
    std::uint8_t* m_data;
    std::size_t m_capacity;
    std::size_t m_pos;
    bool m_overflow = false;
};

inline void store_u32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline void store_u64(std::uint8_t* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
inline std::uint32_t load_u32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
inline std::uint64_t load_u64(const std::uint8_t* p) {
    return static_cast<std::uint64_t>(load_u32(p)) | static_cast<std::uint64_t>(load_u32(p + 4))
                                                         << 32;
}

} // namespace evtxgen
