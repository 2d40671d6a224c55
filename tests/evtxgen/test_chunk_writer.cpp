// test_chunk_writer.cpp: records, templates and CRCs inside one 64 KiB chunk.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <cstring>

#include "chunk_writer.hpp"
#include "event_source.hpp"

using namespace evtxgen;

namespace {

Event wmi_event(std::uint64_t time) {
    Rng rng(1);
    Event e;
    fill_default_event(*find_event_spec("wmi5860"), "HOST1", time, rng, e);
    return e;
}

std::uint32_t zcrc(const std::uint8_t* p, std::size_t n) {
    return static_cast<std::uint32_t>(crc32(crc32(0L, Z_NULL, 0), p, static_cast<uInt>(n)));
}

} // namespace

TEST_CASE("records in a chunk", "[chunk]") {
    TemplateRegistry templates;
    ChunkWriter chunk(templates);
    const std::uint64_t t = parse_iso_filetime("2024-03-04T10:11:12.3456789Z");
    REQUIRE(chunk.append(wmi_event(t), 7));
    const std::size_t first_end = chunk.used();
    REQUIRE(chunk.append(wmi_event(t + 1), 8));
    const std::uint8_t* c = chunk.finish();

    SECTION("record header: signature, size (multiple of 8, copied at the end), id, time") {
        const std::uint8_t* r = c + kChunkHeaderSize;
        CHECK(std::memcmp(r, "\x2a\x2a\x00\x00", 4) == 0);
        const std::uint32_t size = load_u32(r + 4);
        CHECK(size == first_end - kChunkHeaderSize);
        CHECK(size % 8 == 0);
        CHECK(load_u32(r + size - 4) == size);
        CHECK(load_u64(r + 8) == 7);
        CHECK(load_u64(r + 16) == t);
        CHECK(std::memcmp(r + 24, "\x0f\x01\x01\x00\x0c\x01", 6) == 0);
    }
    SECTION("templates are defined at first use and referenced after") {
        const std::uint8_t* r1 = c + kChunkHeaderSize;
        const std::uint8_t* r2 = c + first_end;
        const std::uint32_t def1 = load_u32(r1 + 24 + 4 + 6);
        CHECK(def1 == kChunkHeaderSize + 24 + 4 + 10); // defined right after the instance
        CHECK(load_u32(r2 + 24 + 4 + 6) == def1);      // second record points back to it
        CHECK(load_u32(r2 + 4) < load_u32(r1 + 4) / 2);
        // The template table holds the definition offset in bucket id % 32.
        const std::uint32_t id = load_u32(r1 + 24 + 4 + 2);
        CHECK(load_u32(c + 384 + 4 * (id % 32)) == def1);
    }
    SECTION("chunk header: signature, ranges, offsets and CRC32s") {
        CHECK(std::memcmp(c, "ElfChnk\0", 8) == 0);
        CHECK(load_u64(c + 8) == 7);
        CHECK(load_u64(c + 16) == 8);
        CHECK(load_u64(c + 24) == 7);
        CHECK(load_u64(c + 32) == 8);
        CHECK(load_u32(c + 40) == 128);
        CHECK(load_u32(c + 44) == first_end);
        CHECK(load_u32(c + 48) == chunk.used());
        CHECK(load_u32(c + 52) == zcrc(c + 512, chunk.used() - 512));
        std::uint8_t header[504];
        std::memcpy(header, c, 120);
        std::memcpy(header + 120, c + 128, 384);
        CHECK(load_u32(c + 124) == zcrc(header, sizeof header));
    }
}

TEST_CASE("a full chunk refuses a record and stays unchanged", "[chunk]") {
    TemplateRegistry templates;
    ChunkWriter chunk(templates);
    std::uint64_t id = 1;
    while (chunk.append(wmi_event(1000 + id), id))
        ++id;
    CHECK(chunk.record_count() == id - 1);
    CHECK(chunk.used() > kChunkSize - 1024);
    CHECK(chunk.used() <= kChunkSize - 8); // never exactly full (libevtx skips such a record)
    const std::size_t used = chunk.used();
    const std::uint8_t* c = chunk.finish();
    CHECK(load_u32(c + 48) == used);
    for (std::size_t i = used; i < kChunkSize; ++i)
        REQUIRE(c[i] == 0); // the refused record left nothing behind
}

TEST_CASE("an event larger than a chunk is an error", "[chunk]") {
    TemplateRegistry templates;
    ChunkWriter chunk(templates);
    Event e = wmi_event(1);
    e.values[1].text.assign(40000, 'x'); // 80,000 bytes of UTF-16
    CHECK_THROWS_AS(chunk.append(e, 1), std::invalid_argument);
}
