// file_writer.cpp: writes an EVTX file: the 4 KiB file header followed by 64 KiB chunks.
#include "file_writer.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace evtxgen {

void MemorySink::append(const std::uint8_t* data, std::size_t size) {
    m_bytes.insert(m_bytes.end(), data, data + size);
}

void MemorySink::write_at(std::uint64_t offset, const std::uint8_t* data, std::size_t size) {
    if (offset + size > m_bytes.size())
        m_bytes.resize(offset + size);
    std::copy(data, data + size, m_bytes.begin() + static_cast<std::ptrdiff_t>(offset));
}

FileSink::FileSink(const std::filesystem::path& path) : m_path(path), m_buffer(1 << 20) {
    m_file = std::fopen(path.c_str(), "wb");
    if (m_file == nullptr)
        throw std::runtime_error(fmt::format("cannot create {}", path.string()));
    std::setvbuf(m_file, m_buffer.data(), _IOFBF, m_buffer.size());
}

FileSink::~FileSink() {
    if (m_file != nullptr)
        std::fclose(m_file);
}

void FileSink::append(const std::uint8_t* data, std::size_t size) {
    if (std::fwrite(data, 1, size, m_file) != size)
        throw std::runtime_error(fmt::format("cannot write {}", m_path.string()));
}

void FileSink::write_at(std::uint64_t offset, const std::uint8_t* data, std::size_t size) {
    if (std::fflush(m_file) != 0 || std::fseek(m_file, static_cast<long>(offset), SEEK_SET) != 0 ||
        std::fwrite(data, 1, size, m_file) != size || std::fseek(m_file, 0, SEEK_END) != 0)
        throw std::runtime_error(fmt::format("cannot write {}", m_path.string()));
}

void FileSink::close() {
    if (m_file != nullptr) {
        const int rc = std::fclose(m_file);
        m_file = nullptr;
        if (rc != 0)
            throw std::runtime_error(fmt::format("cannot write {}", m_path.string()));
    }
}

std::uint32_t file_header_crc(const std::uint8_t* header) {
    return static_cast<std::uint32_t>(crc32(crc32(0L, Z_NULL, 0), header, 120));
}

std::vector<std::uint8_t> file_header(std::uint64_t chunk_count, std::uint64_t next_record_id,
                                      std::uint16_t minor_version, std::uint32_t flags) {
    std::vector<std::uint8_t> h(kFileHeaderSize, 0);
    std::memcpy(h.data(), "ElfFile", 8);
    store_u64(h.data() + 8, 0);                                       // first chunk number
    store_u64(h.data() + 16, chunk_count == 0 ? 0 : chunk_count - 1); // last chunk number
    store_u64(h.data() + 24, next_record_id);
    store_u32(h.data() + 32, 128); // header size
    h[36] = static_cast<std::uint8_t>(minor_version);
    h[37] = static_cast<std::uint8_t>(minor_version >> 8);
    h[38] = 3; // major version
    h[39] = 0;
    h[40] = 0x00; // header block size 4096
    h[41] = 0x10;
    h[42] = static_cast<std::uint8_t>(chunk_count);
    h[43] = static_cast<std::uint8_t>(chunk_count >> 8);
    store_u32(h.data() + 120, flags);
    store_u32(h.data() + 124, file_header_crc(h.data()));
    return h;
}

EvtxWriter::EvtxWriter(ByteSink& sink, TemplateRegistry& templates, FileOptions options,
                       std::uint64_t first_record_id)
    : m_sink(sink), m_options(options), m_chunk(templates), m_next_id(first_record_id) {
    if (options.minor_version != 1 && options.minor_version != 2)
        throw std::invalid_argument("EVTX minor version must be 1 or 2");
    const std::vector<std::uint8_t> placeholder(kFileHeaderSize, 0);
    m_sink.append(placeholder.data(), placeholder.size());
}

void EvtxWriter::flush_chunk() {
    if (m_chunk.empty())
        return;
    if (m_chunks >= 0xFFFF)
        throw std::runtime_error("an EVTX file holds at most 65535 chunks");
    m_sink.append(m_chunk.finish(), kChunkSize);
    m_chunk.reset();
    ++m_chunks;
}

std::uint64_t EvtxWriter::write(const Event& e) {
    if (m_options.max_records_per_chunk != 0 &&
        m_chunk.record_count() >= m_options.max_records_per_chunk)
        flush_chunk();
    if (!m_chunk.append(e, m_next_id)) {
        flush_chunk();
        m_chunk.append(e, m_next_id); // fits: append throws when a record exceeds a chunk
    }
    return m_next_id++;
}

std::uint64_t EvtxWriter::size_estimate() const {
    return kFileHeaderSize + (m_chunks + (m_chunk.empty() ? 0 : 1)) * kChunkSize;
}

void EvtxWriter::close() {
    if (m_closed)
        return;
    flush_chunk();
    if (m_chunks == 0 && !m_options.header_only_when_empty) {
        m_sink.append(m_chunk.finish_empty(), kChunkSize);
        m_chunk.reset();
        m_chunks = 1;
    }
    const auto h = file_header(m_chunks, m_next_id, m_options.minor_version, m_options.flags);
    m_sink.write_at(0, h.data(), h.size());
    m_closed = true;
}

} // namespace evtxgen
