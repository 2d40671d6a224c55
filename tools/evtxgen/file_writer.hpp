// file_writer.hpp: writes an EVTX file: the 4 KiB file header followed by 64 KiB chunks.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "chunk_writer.hpp"
#include "event.hpp"

namespace evtxgen {

constexpr std::size_t kFileHeaderSize = 4096;

// File header flags (libyal EVTX format).
constexpr std::uint32_t kFlagDirty = 0x1;
constexpr std::uint32_t kFlagFull = 0x2;

// Where file bytes go: appended in order, the header patched at offset 0 at the end.
class ByteSink {
  public:
    virtual ~ByteSink() = default;
    virtual void append(const std::uint8_t* data, std::size_t size) = 0;
    virtual void write_at(std::uint64_t offset, const std::uint8_t* data, std::size_t size) = 0;
};

class MemorySink final : public ByteSink {
  public:
    void append(const std::uint8_t* data, std::size_t size) override;
    void write_at(std::uint64_t offset, const std::uint8_t* data, std::size_t size) override;
    std::vector<std::uint8_t>& bytes() { return m_bytes; }

  private:
    std::vector<std::uint8_t> m_bytes;
};

// Buffered file output; throws std::runtime_error on open/write failures.
class FileSink final : public ByteSink {
  public:
    explicit FileSink(const std::filesystem::path& path);
    ~FileSink() override;
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;
    void append(const std::uint8_t* data, std::size_t size) override;
    void write_at(std::uint64_t offset, const std::uint8_t* data, std::size_t size) override;
    void close();

  private:
    std::FILE* m_file = nullptr;
    std::filesystem::path m_path;
    std::vector<char> m_buffer;
};

struct FileOptions {
    std::uint16_t minor_version = 2;       // EVTX 3.1 or 3.2
    std::uint32_t flags = 0;               // kFlagDirty | kFlagFull
    std::size_t max_records_per_chunk = 0; // 0: fill chunks; >0: start a new chunk after N
    // A log without records gets one empty chunk, as Windows writes it; true: header only.
    bool header_only_when_empty = false;
};

class EvtxWriter {
  public:
    EvtxWriter(ByteSink& sink, TemplateRegistry& templates, FileOptions options,
               std::uint64_t first_record_id = 1);

    // Appends `e` with the next record id and returns that id.
    std::uint64_t write(const Event& e);
    // Flushes the last chunk and writes the file header. Safe to call once.
    void close();

    std::uint64_t next_record_id() const { return m_next_id; }
    // Number of chunks written so far (the chunk being filled not included).
    std::size_t chunks_written() const { return m_chunks; }
    // Index of the chunk the last written record went to.
    std::size_t current_chunk_index() const { return m_chunks; }
    // Bytes the file has (or will have on close, counting the chunk being filled).
    std::uint64_t size_estimate() const;

  private:
    void flush_chunk();

    ByteSink& m_sink;
    FileOptions m_options;
    ChunkWriter m_chunk;
    std::uint64_t m_next_id;
    std::size_t m_chunks = 0;
    bool m_closed = false;
};

// Builds the 4096-byte file header (CRC32 over its first 120 bytes).
std::vector<std::uint8_t> file_header(std::uint64_t chunk_count, std::uint64_t next_record_id,
                                      std::uint16_t minor_version, std::uint32_t flags);

// CRC32 (zlib) of file header bytes 0..119.
std::uint32_t file_header_crc(const std::uint8_t* header);

} // namespace evtxgen
