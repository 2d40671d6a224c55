// The UTF-16 to UTF-8 conversions wmihunt gives libevtx in place of libuna's (reader.cpp):
// on every input, the same return value, bytes written, index and size as libuna's own
// functions, reached here as libevtx's definitions; and libevtx really calls them.
#include "wmihunt/reader.hpp"

#include <catch2/catch.hpp>

#include <dlfcn.h>
#include <libevtx.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#ifdef WMIHUNT_LIBEVTX_CRC

uint64_t wmihunt_libuna_fast_calls();
extern "C" int libuna_utf8_string_size_from_utf16_stream(const uint8_t* stream, size_t size,
                                                         int byte_order, size_t* utf8_size,
                                                         libevtx_error_t** error);
extern "C" int libuna_utf8_string_with_index_copy_from_utf16_stream(uint8_t* utf8, size_t utf8_size,
                                                                    size_t* index,
                                                                    const uint8_t* stream,
                                                                    size_t size, int byte_order,
                                                                    libevtx_error_t** error);

namespace {

using SizeFunction = int (*)(const uint8_t*, size_t, int, size_t*, libevtx_error_t**);
using CopyFunction = int (*)(uint8_t*, size_t, size_t*, const uint8_t*, size_t, int,
                             libevtx_error_t**);

template <typename Function> Function libuna(const char* name) {
    auto* function = reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
    REQUIRE(function != nullptr);
    REQUIRE(reinterpret_cast<void*>(function) != ::dlsym(RTLD_DEFAULT, name));
    return function;
}

void free_error(libevtx_error_t* error) {
    if (error != nullptr)
        libevtx_error_free(&error);
}

// A UTF-16 stream of `units` code units drawn from the kinds libuna treats apart: ASCII,
// NUL, two- and three-byte characters, the edges of the surrogate ranges, byte order
// marks; sometimes with an odd byte at the end.
std::vector<uint8_t> random_stream(std::mt19937& random, size_t units) {
    static const unsigned edges[] = {0x0000, 0x0001, 0x007F, 0x0080, 0x07FF, 0x0800,
                                     0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000,
                                     0xFEFF, 0xFFFE, 0xFFFF, 0x00FF, 0xFF00, 0x202E};
    std::vector<uint8_t> stream;
    for (size_t i = 0; i < units; ++i) {
        unsigned unit;
        switch (random() % 8) {
        case 0:
            unit = edges[random() % std::size(edges)];
            break;
        case 1:
            unit = static_cast<unsigned>(0x80 + random() % 0x780);
            break;
        case 2:
            unit = static_cast<unsigned>(0x800 + random() % 0xF800);
            break;
        default:
            unit = static_cast<unsigned>(0x20 + random() % 0x5F); // mostly ASCII, as in event logs
        }
        if (random() % 64 == 0)
            unit = 0; // a NUL part way
        stream.push_back(static_cast<uint8_t>(unit));
        stream.push_back(static_cast<uint8_t>(unit >> 8));
    }
    if (random() % 16 == 0)
        stream.push_back(static_cast<uint8_t>(random()));
    return stream;
}

int random_byte_order(std::mt19937& random) {
    static const int orders[] = {'l', 'l', 'l', 'l', 'b', 0, 'x'};
    return orders[random() % std::size(orders)];
}

} // namespace

TEST_CASE("the UTF-16 conversions given to libevtx have libuna's results on every input") {
    auto size_original = libuna<SizeFunction>("libuna_utf8_string_size_from_utf16_stream");
    auto copy_original =
        libuna<CopyFunction>("libuna_utf8_string_with_index_copy_from_utf16_stream");
    std::mt19937 random(11);
    uint64_t fast_before = wmihunt_libuna_fast_calls();
    for (int round = 0; round < 20000; ++round) {
        size_t units = random() % 4 == 0 ? random() % 4 : random() % 200;
        std::vector<uint8_t> stream = random_stream(random, units);
        int order = random_byte_order(random);
        // The size both ways.
        size_t ours = 12345, theirs = 12345;
        libevtx_error_t* our_error = nullptr;
        libevtx_error_t* their_error = nullptr;
        int our_result = libuna_utf8_string_size_from_utf16_stream(stream.data(), stream.size(),
                                                                   order, &ours, &our_error);
        int their_result =
            size_original(stream.data(), stream.size(), order, &theirs, &their_error);
        REQUIRE(our_result == their_result);
        REQUIRE(ours == theirs);
        REQUIRE((our_error == nullptr) == (their_error == nullptr));
        free_error(our_error);
        free_error(their_error);
        // The copy both ways, into buffers of the exact size, one byte short, larger, or
        // with an index at or past their end; the bytes around what is written included.
        size_t needed = their_result == 1 ? theirs : 8;
        size_t start = random() % 3 == 0 ? random() % 8 : 0;
        size_t capacity = start + needed;
        switch (random() % 5) {
        case 0:
            capacity = capacity > 0 ? capacity - 1 : 0;
            break;
        case 1:
            capacity += random() % 16;
            break;
        case 2:
            capacity = random() % (capacity + 2);
            break;
        default:
            break;
        }
        std::vector<uint8_t> our_buffer(capacity + 8, 0xA5), their_buffer(capacity + 8, 0xA5);
        size_t our_index = start, their_index = start;
        our_error = their_error = nullptr;
        our_result = libuna_utf8_string_with_index_copy_from_utf16_stream(
            our_buffer.data(), capacity, &our_index, stream.data(), stream.size(), order,
            &our_error);
        their_result = copy_original(their_buffer.data(), capacity, &their_index, stream.data(),
                                     stream.size(), order, &their_error);
        INFO("round " << round << ", " << stream.size() << " bytes, order " << order
                      << ", capacity " << capacity << ", start " << start);
        REQUIRE(our_result == their_result);
        REQUIRE(our_index == their_index);
        REQUIRE(our_buffer == their_buffer);
        REQUIRE((our_error == nullptr) == (their_error == nullptr));
        free_error(our_error);
        free_error(their_error);
    }
    // Most of these inputs took the fast path, not libuna's.
    CHECK(wmihunt_libuna_fast_calls() - fast_before > 5000);
    // No stream, no size, no buffer: libuna's errors.
    size_t size = 0;
    CHECK(libuna_utf8_string_size_from_utf16_stream(nullptr, 2, 'l', &size, nullptr) == -1);
    uint8_t unit[2] = {'A', 0};
    CHECK(libuna_utf8_string_size_from_utf16_stream(unit, 2, 'l', nullptr, nullptr) == -1);
    CHECK(libuna_utf8_string_with_index_copy_from_utf16_stream(nullptr, 4, &size, unit, 2, 'l',
                                                               nullptr) == -1);
}

TEST_CASE("the UTF-16 conversions convert as UTF-8 says") {
    // "A", U+00E9, U+20AC, then a NUL and text that is not converted.
    const uint8_t stream[] = {'A', 0, 0xE9, 0, 0xAC, 0x20, 0, 0, 'B', 0};
    size_t size = 0;
    REQUIRE(libuna_utf8_string_size_from_utf16_stream(stream, sizeof stream, 'l', &size, nullptr) ==
            1);
    CHECK(size == 7); // 1 + 2 + 3 bytes and the terminator
    uint8_t out[8] = {};
    size_t index = 0;
    REQUIRE(libuna_utf8_string_with_index_copy_from_utf16_stream(out, sizeof out, &index, stream,
                                                                 sizeof stream, 'l', nullptr) == 1);
    CHECK(index == 7);
    CHECK(std::string(reinterpret_cast<char*>(out)) == "A\xC3\xA9\xE2\x82\xAC");
}

TEST_CASE("libevtx converts record strings with wmihunt's functions") {
    uint64_t before = wmihunt_libuna_fast_calls();
    wmihunt::RecordSelector all;
    all.all = true;
    uint64_t records = 0;
    std::string path = std::string(WMIHUNT_TEST_DATA) + "/single_host.evtx";
    wmihunt::read_evtx(path, all, [&](const wmihunt::RawRecord& record) {
        ++records;
        CHECK(!record.computer.empty());
    });
    REQUIRE(records > 0);
    // The computer name, the provider, the XML and the values of each record at least.
    CHECK(wmihunt_libuna_fast_calls() - before >= 3 * records);
}

#endif
