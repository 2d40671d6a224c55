// test_file_writer.cpp: the file header and the sequence of chunks.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <cstring>

#include "event_source.hpp"
#include "file_writer.hpp"

using namespace evtxgen;

namespace {

std::vector<std::uint8_t> write_events(std::size_t n, FileOptions options) {
    TemplateRegistry templates;
    MemorySink sink;
    EvtxWriter writer(sink, templates, options, 1);
    Rng rng(3);
    Event e;
    for (std::size_t i = 0; i < n; ++i) {
        fill_default_event(*find_event_spec("wmi5857"), "H", 1000 + i, rng, e);
        writer.write(e);
    }
    writer.close();
    return sink.bytes();
}

} // namespace

TEST_CASE("file header", "[file]") {
    FileOptions o;
    o.max_records_per_chunk = 10;
    const auto f = write_events(25, o);
    SECTION("25 records at 10 per chunk make 3 chunks after the 4 KiB header") {
        REQUIRE(f.size() == 4096 + 3 * 65536);
        CHECK(std::memcmp(f.data(), "ElfFile\0", 8) == 0);
        CHECK(load_u64(f.data() + 8) == 0);   // first chunk
        CHECK(load_u64(f.data() + 16) == 2);  // last chunk
        CHECK(load_u64(f.data() + 24) == 26); // next record id
        CHECK(load_u32(f.data() + 32) == 128);
        CHECK(f[36] == 2); // minor
        CHECK(f[38] == 3); // major
        CHECK(f[40] == 0x00);
        CHECK(f[41] == 0x10); // 4096
        CHECK(f[42] == 3);
        CHECK(load_u32(f.data() + 120) == 0);
        CHECK(load_u32(f.data() + 124) ==
              static_cast<std::uint32_t>(crc32(crc32(0L, Z_NULL, 0), f.data(), 120)));
        CHECK(load_u64(f.data() + 4096 + 2 * 65536 + 8) == 21); // third chunk starts at 21
    }
    SECTION("flags and version are written as asked") {
        FileOptions d;
        d.flags = kFlagDirty | kFlagFull;
        d.minor_version = 1;
        const auto g = write_events(1, d);
        CHECK(load_u32(g.data() + 120) == 3);
        CHECK(g[36] == 1);
    }
}

TEST_CASE("empty logs", "[file]") {
    SECTION("as Windows writes them: one empty chunk") {
        const auto f = write_events(0, {});
        REQUIRE(f.size() == 4096 + 65536);
        CHECK(f[42] == 1);
        CHECK(load_u64(f.data() + 24) == 1);
        const std::uint8_t* c = f.data() + 4096;
        CHECK(std::memcmp(c, "ElfChnk\0", 8) == 0);
        CHECK(load_u64(c + 8) == 1);
        CHECK(load_u64(c + 16) == ~std::uint64_t{0});
        CHECK(load_u64(c + 24) == ~std::uint64_t{0});
        CHECK(load_u32(c + 48) == 512);
    }
    SECTION("header only on request") {
        FileOptions o;
        o.header_only_when_empty = true;
        const auto f = write_events(0, o);
        CHECK(f.size() == 4096);
        CHECK(f[42] == 0);
    }
}
