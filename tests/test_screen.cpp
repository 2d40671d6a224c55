// The screen's keep/skip decision per chunk.
#include "wmihunt/screen.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

using namespace wmihunt;

namespace {
std::vector<std::byte> chunk_with(const std::u16string& text, size_t at) {
    std::vector<std::byte> b(evtx_chunk_size);
    std::memcpy(b.data() + at, text.data(), text.size() * 2);
    return b;
}
RecordSelector wmi_selector() {
    RecordSelector s;
    s.keys = {{"Microsoft-Windows-WMI-Activity", 5860}, {"Microsoft-Windows-WMI-Activity", 5861}};
    return s;
}
} // namespace

TEST_CASE("Screen keeps a sound chunk only when it holds a wanted provider name in UTF-16LE") {
    Screen screen(wmi_selector());
    CHECK(screen.keep(chunk_with(u"Microsoft-Windows-WMI-Activity", 9000), ChunkStatus::ok));
    CHECK(screen.keep(chunk_with(u"Microsoft-Windows-WMI-Activity", evtx_chunk_size - 60),
                      ChunkStatus::ok));
    CHECK_FALSE(
        screen.keep(chunk_with(u"Microsoft-Windows-Security-Auditing", 9000), ChunkStatus::ok));
    SECTION("the name in 8-bit text, or cut short, does not count") {
        std::vector<std::byte> ascii(evtx_chunk_size);
        std::memcpy(ascii.data() + 10, "Microsoft-Windows-WMI-Activity", 30);
        CHECK_FALSE(screen.keep(ascii, ChunkStatus::ok));
        CHECK_FALSE(
            screen.keep(chunk_with(u"Microsoft-Windows-WMI-Activit", 9000), ChunkStatus::ok));
    }
}

TEST_CASE("Screen keeps every chunk it cannot vouch for and drops unused ones") {
    Screen screen(wmi_selector());
    std::vector<std::byte> empty(evtx_chunk_size);
    for (auto status : {ChunkStatus::bad_magic, ChunkStatus::bad_header_crc,
                        ChunkStatus::bad_data_crc, ChunkStatus::truncated})
        CHECK(screen.keep(empty, status));
    CHECK_FALSE(screen.keep(empty, ChunkStatus::unused));
    CHECK_FALSE(screen.keep(empty, ChunkStatus::ok));
}

TEST_CASE("Screen for a selector of every record keeps everything") {
    RecordSelector all;
    all.all = true;
    Screen screen(all);
    std::vector<std::byte> empty(evtx_chunk_size);
    CHECK(screen.keep(empty, ChunkStatus::ok));
}
