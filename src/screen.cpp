// screen: raw-chunk screening and the libevtx images of the kept chunks.
#include "wmihunt/screen.hpp"

#include <cerrno>
#include <cstring>
#include <string_view>

#include <unistd.h>
#include <zlib.h>

namespace wmihunt {

namespace {

std::string utf16le(std::string_view ascii) {
    std::string out;
    out.reserve(ascii.size() * 2);
    for (char c : ascii) {
        out += c;
        out += '\0';
    }
    return out;
}

// Rewrites the image's file header so that it describes exactly `chunks` chunks.
void describe_chunks(std::vector<std::byte>& image, uint64_t chunks) {
    auto store = [&](size_t offset, uint64_t value, size_t size) {
        for (size_t i = 0; i < size; ++i)
            image[offset + i] = static_cast<std::byte>((value >> (8 * i)) & 0xFF);
    };
    store(8, 0, 8);                // first chunk number
    store(16, chunks - 1, 8);      // last chunk number
    store(42, chunks & 0xFFFF, 2); // number of chunks
    uint32_t crc =
        static_cast<uint32_t>(::crc32(0, reinterpret_cast<const Bytef*>(image.data()), 120));
    store(124, crc, 4);
}

// Reads exactly `size` bytes at `offset`, or fewer at the end of the file.
size_t read_at(int fd, std::byte* buffer, size_t size, uint64_t offset) {
    size_t done = 0;
    while (done < size) {
        ssize_t got = ::pread(fd, buffer + done, size - done, static_cast<off_t>(offset + done));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            throw InputError(std::string("read failed: ") + std::strerror(errno));
        }
        if (got == 0)
            break;
        done += static_cast<size_t>(got);
    }
    return done;
}

} // namespace

Screen::Screen(const RecordSelector& selector) : m_all(selector.all) {
    for (const auto& key : selector.keys) {
        std::string needle = utf16le(key.first);
        if (std::find(m_needles.begin(), m_needles.end(), needle) == m_needles.end())
            m_needles.push_back(std::move(needle));
    }
}

bool Screen::keep(std::span<const std::byte> chunk, ChunkStatus status) const {
    if (m_all)
        return true;
    switch (status) {
    case ChunkStatus::unused:
        return false;
    case ChunkStatus::ok:
        break;
    default:
        return true;
    }
    for (const auto& needle : m_needles)
        if (::memmem(chunk.data(), chunk.size(), needle.data(), needle.size()) != nullptr)
            return true;
    return false;
}

ReadStats screen_and_read(int fd, std::span<const std::byte> header_block, uint64_t first_chunk,
                          uint64_t chunk_count, const Screen& screen,
                          const RecordSelector& selector,
                          const std::function<void(const RawRecord&)>& sink) {
    ReadStats stats;
    std::vector<std::byte> image(header_block.begin(), header_block.end());
    image.reserve(evtx_header_block_size + screen_batch_chunks * evtx_chunk_size);
    uint64_t image_chunks = 0;
    uint64_t image_announced = 0; // records the sound chunk headers of the image announce
    auto decode = [&] {
        if (image_chunks == 0)
            return;
        describe_chunks(image, image_chunks);
        ReadStats part = read_evtx_image(image, selector, sink);
        part.dirty = false; // the header's flags are the original file's, counted by the caller
        if (part.records_decoded < image_announced)
            part.records_missing = image_announced - part.records_decoded;
        stats += part;
        image.resize(evtx_header_block_size);
        image_chunks = 0;
        image_announced = 0;
    };

    constexpr size_t block_chunks = 16; // 1 MiB reads
    std::vector<std::byte> block(block_chunks * evtx_chunk_size);
    for (uint64_t done = 0; done < chunk_count;) {
        uint64_t want = std::min<uint64_t>(block_chunks, chunk_count - done);
        uint64_t offset = evtx_header_block_size + (first_chunk + done) * evtx_chunk_size;
        size_t got = read_at(fd, block.data(), want * evtx_chunk_size, offset);
        stats.bytes += got;
        for (uint64_t i = 0; i < want; ++i) {
            size_t start = i * evtx_chunk_size;
            if (start >= got)
                break;
            size_t length = std::min(evtx_chunk_size, got - start);
            std::span<const std::byte> chunk(block.data() + start, length);
            ChunkHeader header = inspect_chunk(chunk);
            ++stats.chunks_total;
            switch (header.status) {
            case ChunkStatus::unused:
                ++stats.chunks_unused;
                break;
            case ChunkStatus::truncated:
                ++stats.chunks_truncated;
                break;
            case ChunkStatus::ok:
                break;
            default:
                ++stats.chunks_bad;
            }
            if (!screen.keep(chunk, header.status)) {
                stats.records_total += header.record_count();
                continue;
            }
            image.insert(image.end(), chunk.begin(), chunk.end());
            image_announced += header.record_count();
            ++stats.chunks_decoded;
            if (++image_chunks == screen_batch_chunks || length < evtx_chunk_size)
                decode();
        }
        if (got < want * evtx_chunk_size)
            break;
        done += want;
    }
    decode();
    return stats;
}

} // namespace wmihunt
