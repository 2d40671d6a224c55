// scan_files: the hooks a progress display and the analyst's filters rely on.
#include "wmihunt/scan.hpp"

#include "evtx_bytes.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <tuple>
#include <unistd.h>

using namespace wmihunt;
using namespace wmihunt::test;
namespace fs = std::filesystem;

namespace {
// A log of `chunks` sound chunks of 74 records each, none of them WMI-Activity.
fs::path write_log(const fs::path& path, uint16_t chunks) {
    std::ofstream out(path, std::ios::binary);
    auto write = [&](const std::vector<std::byte>& bytes) {
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
    };
    write(file_header(chunks, 0));
    auto one = chunk();
    for (uint16_t i = 0; i < chunks; ++i)
        write(one);
    return path;
}
} // namespace

TEST_CASE("scan_files reports each unit of a large file as it is read, then the file") {
    fs::path dir = fs::temp_directory_path() / ("wmihunt-scan-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    // 300 chunks: one unit of scan_unit_chunks (256) and one of the other 44.
    auto big = write_log(dir / "big.evtx", 300);
    auto small = write_log(dir / "small.evtx", 3);
    std::vector<CompiledDetection> detections;
    for (const auto& detection : wmihunt::detections())
        detections.emplace_back(detection, true);
    for (unsigned threads : {1u, 2u}) {
        std::vector<std::pair<uint64_t, uint64_t>> units; // chunks, bytes
        std::vector<std::pair<fs::path, uint64_t>> files; // path, records
        ScanHooks hooks;
        hooks.unit_done = [&](const ReadStats& part, uint64_t events) {
            CHECK(events == 0);
            units.emplace_back(part.chunks_total, part.bytes);
        };
        hooks.file_done = [&](const FileReport& report) {
            files.emplace_back(report.path, report.stats.records_total);
        };
        ScanOptions options;
        options.threads = threads;
        scan_files({big, small}, detections, options, hooks);
        std::sort(units.begin(), units.end());
        std::sort(files.begin(), files.end());
        CHECK(units == std::vector<std::pair<uint64_t, uint64_t>>{{3, 3 * evtx_chunk_size},
                                                                  {44, 44 * evtx_chunk_size},
                                                                  {256, 256 * evtx_chunk_size}});
        CHECK(files ==
              std::vector<std::pair<fs::path, uint64_t>>{{big, 300 * 74}, {small, 3 * 74}});
    }
    fs::remove_all(dir);
}

TEST_CASE("the record screen skips records on a real log, and the rows stay the same") {
    // multi_host.evtx: 69 WMI-Activity records in 3 chunks, of which 25 are 5860 or 5861
    // (counted with python-evtx).
    fs::path log = fs::path(WMIHUNT_TEST_DATA) / "multi_host.evtx";
    std::vector<CompiledDetection> detections;
    for (const auto& detection : wmihunt::detections())
        detections.emplace_back(detection, true);
    ScanOptions screened;
    ScanOptions whole;
    whole.screen = false;
    auto a = scan_files({log}, detections, screened);
    auto b = scan_files({log}, detections, whole);
    REQUIRE(a.files.size() == 1);
    const ReadStats& stats = a.files[0].stats;
    CHECK(stats.records_total == 69);
    CHECK(stats.records_screened > 0);
    CHECK(stats.records_read + stats.records_screened == 69);
    CHECK(stats.records_selected == 25);
    CHECK(b.files[0].stats.records_screened == 0);
    REQUIRE(a.results.size() == b.results.size());
    auto fields = [](const Aggregator& aggregate) {
        std::vector<std::tuple<std::vector<std::string>, uint64_t, int64_t, int64_t>> out;
        for (const auto& row : aggregate.rows())
            out.emplace_back(row.key, row.count, row.first_time, row.last_time);
        return out;
    };
    for (size_t i = 0; i < a.results.size(); ++i) {
        CHECK(a.results[i].aggregate.events() > 0);
        CHECK(fields(a.results[i].aggregate) == fields(b.results[i].aggregate));
    }
}
