// screen: raw-chunk screening and the libevtx images of the kept chunks.
#include "wmihunt/screen.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>
#include <string_view>

#include <unistd.h>

#include <tbb/task_group.h>

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
    store(124, evtx_crc32(std::span(image.data(), 120)), 4);
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

// Reads chunks [first_chunk, first_chunk + chunk_count) with 1 MiB reads, counts them in
// `stats`, and hands each chunk the screen keeps to `keep` with the number of records its
// header announces and whether it is the last chunk of a file cut short.
void read_chunks(int fd, uint64_t first_chunk, uint64_t chunk_count, const Screen& screen,
                 ReadStats& stats,
                 const std::function<void(std::span<const std::byte>, uint64_t, bool)>& keep) {
    constexpr size_t block_chunks = 16; // 1 MiB reads
    // One read buffer per thread, allocated once and never zero-filled: pread overwrites
    // what is used, and only the `got` bytes it returned are looked at.
    thread_local std::unique_ptr<std::byte[]> block(new std::byte[block_chunks * evtx_chunk_size]);
    for (uint64_t done = 0; done < chunk_count;) {
        uint64_t want = std::min<uint64_t>(block_chunks, chunk_count - done);
        uint64_t offset = evtx_header_block_size + (first_chunk + done) * evtx_chunk_size;
        size_t got = read_at(fd, block.get(), want * evtx_chunk_size, offset);
        stats.bytes += got;
        for (uint64_t i = 0; i < want; ++i) {
            size_t start = i * evtx_chunk_size;
            if (start >= got)
                break;
            size_t length = std::min(evtx_chunk_size, got - start);
            std::span<const std::byte> chunk(block.get() + start, length);
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
            ++stats.chunks_decoded;
            keep(chunk, header.record_count(), length < evtx_chunk_size);
        }
        if (got < want * evtx_chunk_size)
            break;
        done += want;
    }
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
    // Kept chunks are decoded in batches, each a libevtx image of its own, as tasks that
    // idle threads take: one log full of WMI events is then decoded on every core. Each
    // batch keeps its records, and they go to `sink` in file order at the end, on this
    // thread, so the result does not depend on which thread decoded what.
    struct Batch {
        std::vector<std::byte> image;
        uint64_t announced = 0; // records the sound chunk headers of the image announce
        ReadStats stats;
        std::vector<RawRecord> records;
    };
    std::deque<Batch> batches;
    tbb::task_group decoding;
    std::atomic<size_t> in_flight{0};
    auto decode_batch = [&selector](Batch& batch, uint64_t chunks) {
        describe_chunks(batch.image, chunks);
        batch.stats = read_evtx_image(batch.image, selector, [&](const RawRecord& record) {
            batch.records.push_back(record);
        });
        // The header's flags are the original file's, counted by the caller.
        batch.stats.dirty = false;
        if (batch.stats.records_decoded < batch.announced)
            batch.stats.records_missing = batch.announced - batch.stats.records_decoded;
        batch.image = {};
    };
    uint64_t image_chunks = 0;
    auto start_batch = [&] {
        batches.emplace_back();
        batches.back().image.assign(header_block.begin(), header_block.end());
        batches.back().image.reserve(evtx_header_block_size +
                                     screen_batch_chunks * evtx_chunk_size);
        image_chunks = 0;
    };
    auto decode = [&] {
        if (image_chunks == 0)
            return;
        Batch& batch = batches.back();
        // With enough batches waiting for a thread, this one is decoded here: that bounds
        // the memory of batches read but not yet decoded. (Waiting instead could run
        // another unit on this thread, in the middle of this one's read buffer.)
        if (in_flight.load() >= screen_batches_in_flight) {
            decode_batch(batch, image_chunks);
        } else {
            ++in_flight;
            decoding.run([&decode_batch, &in_flight, &batch, chunks = image_chunks] {
                decode_batch(batch, chunks);
                --in_flight;
            });
        }
        start_batch();
    };
    start_batch();

    try {
        read_chunks(fd, first_chunk, chunk_count, screen, stats,
                    [&](std::span<const std::byte> chunk, uint64_t announced, bool last) {
                        batches.back().image.insert(batches.back().image.end(), chunk.begin(),
                                                    chunk.end());
                        batches.back().announced += announced;
                        if (++image_chunks == screen_batch_chunks || last)
                            decode();
                    });
        decode();
    } catch (...) {
        // The tasks refer to `batches`: they must end before it does.
        try {
            decoding.wait();
        } catch (...) {
        }
        throw;
    }
    decoding.wait();
    for (auto& batch : batches) {
        stats += batch.stats;
        for (const auto& record : batch.records)
            sink(record);
    }
    return stats;
}

} // namespace wmihunt
