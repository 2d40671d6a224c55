// find_chunk_hazard: the template value counts libevtx would trust past its chunk.
#include "wmihunt/guard.hpp"

#include "evtx_bytes.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <vector>

using namespace wmihunt;
using namespace wmihunt::test;

namespace {

// A chunk whose first record's document is a fragment header and a template instance at
// offset 540 (record header 512-535, fragment header 536-539). With `inline_definition`
// the definition follows the instance's 10-byte header (offset 550: 24-byte header, then
// 40 bytes of definition data), and the value array is at 614; otherwise the instance
// refers to a definition at `definition` and the value array is at 550.
constexpr size_t instance = 540;
std::vector<std::byte> chunk_with_count(uint32_t count, bool inline_definition,
                                        uint32_t definition = 0) {
    std::vector<std::byte> b = chunk();
    put(b, 512, 0x00002A2A, 4);
    put(b, 536, 0x0001010F, 4);
    put(b, instance, 0x0C, 1);
    put(b, instance + 1, 0x01, 1);
    put(b, instance + 2, 0x12345678, 4);
    size_t values = instance + 10;
    if (inline_definition) {
        put(b, instance + 6, instance + 10, 4);
        put(b, instance + 10 + 20, 40, 4); // definition data size
        values = instance + 10 + 24 + 40;
    } else {
        put(b, instance + 6, definition, 4);
    }
    put(b, values, count, 4);
    return b;
}

} // namespace

TEST_CASE("a value count whose 32-bit count * 4 wraps to a size that fits is a hazard") {
    // 0x40000001 * 4 = 0x1'00000004: libfwevt checks 4 bytes, then allocates and reads
    // 0x40000001 descriptors.
    for (uint32_t count : {0x40000001u, 0x80000003u, 0xC0000000u, 0x40000000u + 0x3000u}) {
        INFO(count);
        auto hazard = find_chunk_hazard(chunk_with_count(count, true));
        REQUIRE(hazard);
        CHECK(hazard->offset == instance);
        CHECK(hazard->value_count == count);
        CHECK(hazard->describe() ==
              fmt::format("a template instance at chunk offset 0x21c declares {} values", count));
        // The same with the definition earlier in the chunk.
        CHECK(find_chunk_hazard(chunk_with_count(count, false, 512)));
    }
}

TEST_CASE("counts libevtx rejects by its own check, or never reads, are no hazard") {
    // Below 2^30 the product does not wrap: libfwevt's check rejects what does not fit.
    CHECK_FALSE(find_chunk_hazard(chunk_with_count(0x3FFFFFFF, true)));
    CHECK_FALSE(find_chunk_hazard(chunk_with_count(20, true)));
    // 0x40004000 * 4 wraps to 0x10000: still past the chunk, so libfwevt rejects it.
    CHECK_FALSE(find_chunk_hazard(chunk_with_count(0x40004000, true)));
    // A definition after the instance's header: libfwevt rejects the instance.
    CHECK_FALSE(find_chunk_hazard(chunk_with_count(0x40000001, false, instance + 11)));
    // A count that would lie past the chunk's end is never read.
    std::vector<std::byte> tail = chunk();
    put(tail, evtx_chunk_size - 12, 0x0C, 1);
    put(tail, evtx_chunk_size - 6, evtx_chunk_size - 2, 4);
    CHECK_FALSE(find_chunk_hazard(tail));
    // A chunk cut short is examined as far as it goes.
    auto cut = chunk_with_count(0x40000001, true);
    // libfwevt wants the count, then the wrapped 4 bytes of descriptors, to end before the
    // data does: a byte more than that is the least that makes the count a hazard.
    const size_t values = instance + 10 + 24 + 40;
    cut.resize(values + 8);
    CHECK_FALSE(find_chunk_hazard(cut));
    cut.resize(values + 9);
    CHECK(find_chunk_hazard(cut));
}

TEST_CASE("the chunks of real-layout fixtures have no hazard; the damaged one has it in chunk 1") {
    auto chunks_of = [](const char* name) {
        std::ifstream in(std::string(WMIHUNT_TEST_DATA) + "/" + name, std::ios::binary);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
        std::vector<std::vector<std::byte>> chunks;
        for (size_t at = evtx_header_block_size; at < bytes.size(); at += evtx_chunk_size) {
            auto begin = reinterpret_cast<const std::byte*>(bytes.data()) + at;
            chunks.emplace_back(begin, begin + std::min(evtx_chunk_size, bytes.size() - at));
        }
        return chunks;
    };
    for (const char* name : {"single_host.evtx", "multi_host.evtx", "huge_value.evtx",
                             "odd_values.evtx", "sysmon.evtx", "damaged_chunk_magic.evtx"}) {
        INFO(name);
        auto chunks = chunks_of(name);
        REQUIRE_FALSE(chunks.empty());
        for (const auto& c : chunks)
            CHECK_FALSE(find_chunk_hazard(c));
    }
    auto damaged = chunks_of("damaged_template_value_count.evtx");
    REQUIRE(damaged.size() == 3);
    CHECK_FALSE(find_chunk_hazard(damaged[0]));
    auto hazard = find_chunk_hazard(damaged[1]);
    REQUIRE(hazard);
    CHECK(hazard->value_count == 0x40000001u);
    CHECK_FALSE(find_chunk_hazard(damaged[2]));
}
