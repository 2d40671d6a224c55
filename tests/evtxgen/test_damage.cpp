// test_damage.cpp: each damage kind changes exactly what it names.
#include <catch2/catch.hpp>

#include <cstring>

#include "damage.hpp"
#include "event_source.hpp"
#include "file_writer.hpp"

using namespace evtxgen;

namespace {

// 30 records, 10 per chunk: chunks 0..2 hold records 1-10, 11-20, 21-30.
std::vector<std::uint8_t> sample() {
    TemplateRegistry templates;
    MemorySink sink;
    FileOptions o;
    o.max_records_per_chunk = 10;
    EvtxWriter writer(sink, templates, o);
    Rng rng(5);
    Event e;
    for (int i = 0; i < 30; ++i) {
        fill_default_event(*find_event_spec("wmi5858"), "H", 5000 + static_cast<unsigned>(i), rng,
                           e);
        writer.write(e);
    }
    writer.close();
    return sink.bytes();
}

std::uint8_t* chunk(std::vector<std::uint8_t>& f, std::size_t k) {
    return f.data() + 4096 + k * 65536;
}

} // namespace

TEST_CASE("damage kinds", "[damage]") {
    const auto clean = sample();
    auto f = clean;
    SECTION("bad header CRC changes only the header CRC") {
        apply_damage({DamageKind::BadHeaderCrc}, f);
        CHECK(load_u32(f.data() + 124) != file_header_crc(f.data()));
        CHECK(std::memcmp(f.data(), clean.data(), 124) == 0);
        CHECK(std::memcmp(f.data() + 128, clean.data() + 128, clean.size() - 128) == 0);
    }
    SECTION("bad chunk header CRC") {
        apply_damage({DamageKind::BadChunkHeaderCrc, 1}, f);
        CHECK(load_u32(chunk(f, 1) + 124) != chunk_header_crc(chunk(f, 1)));
        CHECK(load_u32(chunk(f, 1) + 52) == chunk_records_crc(chunk(f, 1)));
        CHECK(load_u32(chunk(f, 0) + 124) == chunk_header_crc(chunk(f, 0)));
    }
    SECTION("bad chunk data CRC keeps the header CRC consistent") {
        apply_damage({DamageKind::BadChunkDataCrc, 1}, f);
        CHECK(load_u32(chunk(f, 1) + 52) != chunk_records_crc(chunk(f, 1)));
        CHECK(load_u32(chunk(f, 1) + 124) == chunk_header_crc(chunk(f, 1)));
    }
    SECTION("bad chunk magic loses that chunk only") {
        apply_damage({DamageKind::BadChunkMagic, 1}, f);
        CHECK(std::memcmp(chunk(f, 1), "ElfChnk", 7) != 0);
        CHECK(std::memcmp(chunk(f, 2), "ElfChnk", 7) == 0);
        const Damage d{DamageKind::BadChunkMagic, 1};
        CHECK(damage_loses_chunk(d, 1));
        CHECK_FALSE(damage_loses_chunk(d, 0));
        CHECK_FALSE(damage_loses_chunk(d, 2));
    }
    SECTION("truncation cuts the chunk in half and loses it and the rest") {
        apply_damage({DamageKind::Truncate, 2}, f);
        CHECK(f.size() == 4096 + 2 * 65536 + 32768);
        const Damage d{DamageKind::Truncate, 1};
        CHECK_FALSE(damage_loses_chunk(d, 0));
        CHECK(damage_loses_chunk(d, 1));
        CHECK(damage_loses_chunk(d, 2));
    }
    SECTION("slack garbage fills only the bytes after the free space offset") {
        apply_damage({DamageKind::SlackGarbage, 0, 0, 9}, f);
        const std::uint32_t free_offset = load_u32(chunk(f, 0) + 48);
        CHECK(std::memcmp(f.data(), clean.data(), 4096 + free_offset) == 0);
        std::size_t nonzero = 0;
        for (std::size_t i = free_offset; i < 65536; ++i) {
            REQUIRE(chunk(f, 0)[i] != 0x2a);
            nonzero += chunk(f, 0)[i] != 0;
        }
        CHECK(nonzero > (65536 - free_offset) / 2);
        CHECK(load_u32(chunk(f, 0) + 52) == chunk_records_crc(chunk(f, 0)));
    }
    SECTION("bad record size copy changes the copy of record 15 only") {
        apply_damage({DamageKind::BadRecordSizeCopy, 0, 15}, f);
        std::size_t differing = 0;
        for (std::size_t i = 0; i < f.size(); ++i)
            differing += f[i] != clean[i];
        // the copy (1 byte of it: size+8 changes the low byte only for sizes % 256 < 248,
        // else 2) plus the chunk's two CRCs (up to 8 bytes)
        CHECK(differing >= 1);
        CHECK(differing <= 10);
        CHECK(load_u32(chunk(f, 1) + 124) == chunk_header_crc(chunk(f, 1)));
        CHECK_THROWS_AS(apply_damage({DamageKind::BadRecordSizeCopy, 0, 99}, f),
                        std::invalid_argument);
    }
    SECTION("a chunk that does not exist is an error") {
        CHECK_THROWS_AS(apply_damage({DamageKind::BadChunkMagic, 3}, f), std::invalid_argument);
    }
    SECTION("kind names round-trip") {
        CHECK(parse_damage_kind("bad_chunk_magic") == DamageKind::BadChunkMagic);
        CHECK(damage_kind_name(DamageKind::Truncate) == "truncate");
        CHECK_THROWS_AS(parse_damage_kind("gremlins"), std::invalid_argument);
    }
}
