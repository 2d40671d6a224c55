// EVTX file and chunk headers: field offsets and CRC32 checks, on hand-built bytes laid out
// as libyal's EVTX format documentation describes them.
#include "wmihunt/chunks.hpp"

#include "evtx_bytes.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

using namespace wmihunt;
using namespace wmihunt::test;

TEST_CASE("parse_file_header reads the fields and checks the CRC32") {
    auto b = file_header(3, 0x1);
    auto h = parse_file_header(b);
    REQUIRE(h);
    CHECK(h->chunk_count == 3);
    CHECK(h->last_chunk == 2);
    CHECK(h->next_record_id == 75);
    CHECK(h->dirty());
    CHECK(h->well_formed());
    SECTION("a changed byte breaks the CRC") {
        b[50] = std::byte{1};
        CHECK_FALSE(parse_file_header(b)->well_formed());
    }
    SECTION("not EVTX, or too short") {
        CHECK_FALSE(parse_file_header(std::span(b.data(), 100)));
        b[0] = std::byte{'X'};
        CHECK_FALSE(parse_file_header(b));
    }
}

TEST_CASE("inspect_chunk classifies a chunk") {
    auto b = chunk();
    CHECK(inspect_chunk(b).status == ChunkStatus::ok);
    CHECK(inspect_chunk(b).record_count() == 74);
    SECTION("a flipped event-data byte is a bad data CRC") {
        b[700] ^= std::byte{0x10};
        CHECK(inspect_chunk(b).status == ChunkStatus::bad_data_crc);
        // The header's own CRC still holds, so its announcement (records 1..74) stands.
        CHECK(inspect_chunk(b).record_count() == 74);
    }
    SECTION("bytes past the free-space offset are not covered by the data CRC") {
        b[5000] = std::byte{0xAA};
        CHECK(inspect_chunk(b).status == ChunkStatus::ok);
    }
    SECTION("a flipped header byte is a bad header CRC") {
        b[20] ^= std::byte{0x01};
        CHECK(inspect_chunk(b).status == ChunkStatus::bad_header_crc);
        CHECK(inspect_chunk(b).record_count() == 0);
    }
    SECTION("an empty chunk announces no records, not 2^64 - 1 (a counter that wrapped)") {
        // As Windows writes an empty chunk (test_data/empty.evtx): first record number 1,
        // last and both identifiers 2^64 - 1.
        put(b, 16, ~uint64_t{0}, 8);
        put(b, 124, crc(b, 128, 512, crc(b, 0, 120)), 4);
        REQUIRE(inspect_chunk(b).status == ChunkStatus::ok);
        CHECK(inspect_chunk(b).record_count() == 0);
        // (65536 - 512) / 28 = 2322 records of the smallest size fit in a chunk; no more.
        put(b, 16, 2322, 8);
        put(b, 124, crc(b, 128, 512, crc(b, 0, 120)), 4);
        CHECK(inspect_chunk(b).record_count() == 2322);
        put(b, 16, 2323, 8);
        put(b, 124, crc(b, 128, 512, crc(b, 0, 120)), 4);
        CHECK(inspect_chunk(b).record_count() == 0);
    }
    SECTION("the header CRC skips bytes 120-127") {
        b[121] = std::byte{0x55};
        CHECK(inspect_chunk(b).status == ChunkStatus::ok);
    }
    SECTION("a free-space offset outside the chunk is damage, not a crash") {
        put(b, 48, 70000, 4);
        put(b, 124, crc(b, 128, 512, crc(b, 0, 120)), 4);
        CHECK(inspect_chunk(b).status == ChunkStatus::bad_data_crc);
    }
    SECTION("bad magic, unused (zeroed) and truncated chunks") {
        auto bad = b;
        std::memcpy(bad.data(), "ElfChnX\0", 8);
        CHECK(inspect_chunk(bad).status == ChunkStatus::bad_magic);
        std::vector<std::byte> zero(evtx_chunk_size);
        CHECK(inspect_chunk(zero).status == ChunkStatus::unused);
        CHECK(inspect_chunk(std::span(b.data(), 4000)).status == ChunkStatus::truncated);
    }
}
