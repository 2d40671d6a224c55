// chunk_writer.hpp: builds one 64 KiB EVTX chunk: header, string and template tables, records,
// CRCs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "binxml.hpp"
#include "event.hpp"

namespace evtxgen {

constexpr std::size_t kChunkSize = 65536;
constexpr std::size_t kChunkHeaderSize = 512;

class ChunkWriter {
  public:
    explicit ChunkWriter(TemplateRegistry& templates);

    // Starts an empty chunk (all bytes zero).
    void reset();
    bool empty() const { return m_record_count == 0; }
    std::size_t record_count() const { return m_record_count; }
    std::size_t used() const { return m_pos; }

    // Appends `e` as record `record_id`. Returns false, leaving the chunk exactly as before,
    // when the record does not fit. Throws std::invalid_argument for values that cannot be
    // encoded (bad GUID/SID text, invalid UTF-8, wrong number of values).
    bool append(const Event& e, std::uint64_t record_id);

    // Writes the chunk header (record number/identifier range, last record offset, free space
    // offset, event records CRC32, header CRC32) and returns the 64 KiB image.
    const std::uint8_t* finish();

    // The chunk Windows writes into a log without records: record numbers 1..-1, identifiers
    // -1..-1, free space at 512 (an empty chunk; finish() on it gives the same image).
    const std::uint8_t* finish_empty();

  private:
    void write_instance_header(const Template& t, ByteWriter& w);
    void write_system_values(const Event& e, std::uint64_t record_id, ByteWriter& w);
    void write_data_value(const Event& e, ByteWriter& w);

    TemplateRegistry& m_templates;
    std::array<std::uint8_t, kChunkSize> m_buf{};
    std::size_t m_pos = kChunkHeaderSize;
    std::size_t m_record_count = 0;
    std::uint64_t m_first_id = 0;
    std::uint64_t m_last_id = 0;
    std::uint32_t m_last_record_offset = 0;
    NameTable m_names;
    std::array<std::uint32_t, 32> m_template_buckets{};
    std::vector<std::pair<const Template*, std::uint32_t>> m_defined;
};

// CRC32 (zlib) of the chunk header bytes 0..119 and 128..511.
std::uint32_t chunk_header_crc(const std::uint8_t* chunk);
// CRC32 (zlib) of the event records: bytes 512 .. free space offset.
std::uint32_t chunk_records_crc(const std::uint8_t* chunk);

} // namespace evtxgen
