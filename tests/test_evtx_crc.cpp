// The CRC-32 wmihunt gives libevtx in place of its own (reader.cpp): the same results as
// the bitwise definition, and libevtx really calls it.
#include "wmihunt/reader.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#ifdef WMIHUNT_LIBEVTX_CRC

extern std::atomic<uint64_t> wmihunt_libevtx_crc_calls;
extern "C" int libevtx_checksum_calculate_little_endian_crc32(uint32_t* crc32,
                                                              const uint8_t* buffer, size_t size,
                                                              uint32_t initial_value,
                                                              intptr_t** error);

namespace {

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) one bit at a time, continuing from
// `initial` as libevtx's own function does: complement in, complement out.
uint32_t bitwise_crc32(const uint8_t* data, size_t size, uint32_t initial) {
    uint32_t crc = ~initial;
    for (size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

uint32_t replacement(const std::vector<uint8_t>& data, uint32_t initial) {
    uint32_t crc = 0;
    REQUIRE(libevtx_checksum_calculate_little_endian_crc32(&crc, data.data(), data.size(), initial,
                                                           nullptr) == 1);
    return crc;
}

} // namespace

TEST_CASE("the CRC-32 given to libevtx has the standard check value and libevtx's results") {
    std::string check = "123456789";
    CHECK(replacement(std::vector<uint8_t>(check.begin(), check.end()), 0) == 0xCBF43926u);
    CHECK(replacement({}, 0) == 0);
    std::mt19937 random(7);
    for (size_t size : {1u, 3u, 63u, 512u, 4096u, 65536u}) {
        std::vector<uint8_t> data(size);
        for (auto& byte : data)
            byte = static_cast<uint8_t>(random());
        for (uint32_t initial : {0u, 1u, 0xFFFFFFFFu, static_cast<uint32_t>(random())})
            CHECK(replacement(data, initial) == bitwise_crc32(data.data(), data.size(), initial));
        // Continuing from the CRC of a first part gives the CRC of the whole.
        std::vector<uint8_t> head(data.begin(), data.begin() + static_cast<long>(size / 2));
        std::vector<uint8_t> tail(data.begin() + static_cast<long>(size / 2), data.end());
        CHECK(replacement(tail, replacement(head, 0)) == replacement(data, 0));
    }
    uint32_t crc = 0;
    CHECK(libevtx_checksum_calculate_little_endian_crc32(nullptr, nullptr, 0, 0, nullptr) == -1);
    CHECK(libevtx_checksum_calculate_little_endian_crc32(&crc, nullptr, 4, 0, nullptr) == -1);
}

TEST_CASE("libevtx computes its CRCs with wmihunt's function") {
    uint64_t before = wmihunt_libevtx_crc_calls.load();
    wmihunt::RecordSelector all;
    all.all = true;
    uint64_t records = 0;
    std::string path = std::string(WMIHUNT_TEST_DATA) + "/single_host.evtx";
    auto stats = wmihunt::read_evtx(path, all, [&](const wmihunt::RawRecord&) { ++records; });
    CHECK(records > 0);
    CHECK(stats.records_failed == 0);
    // libevtx checks each chunk's header and its records' data: two CRCs per chunk at least.
    uint64_t chunks = (std::filesystem::file_size(path) - 4096) / 65536;
    REQUIRE(chunks > 0);
    CHECK(wmihunt_libevtx_crc_calls.load() - before >= 2 * chunks);
}

#endif
