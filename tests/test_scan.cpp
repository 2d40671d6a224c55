// scan_files: the ordered event stream consumers get, and the hooks a progress display uses.
#include "wmihunt/scan.hpp"

#include "wmihunt/aggregator.hpp"

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

// Records what the stream hands on: file, record id and the matching detections.
struct Recorder : EventConsumer {
    std::vector<std::tuple<std::string, uint64_t, std::vector<size_t>>> seen;
    void consume(const MatchedEvent& event) override {
        std::vector<size_t> which;
        for (const auto& match : event.matches)
            which.push_back(match.detection);
        seen.emplace_back(event.file.string(), event.event.record_id, which);
    }
};

std::vector<CompiledDetection> every_detection() {
    std::vector<CompiledDetection> detections;
    for (const auto& detection : wmihunt::detections())
        detections.emplace_back(detection, true);
    return detections;
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
        scan_files({big, small}, detections, {}, options, {}, hooks);
        std::sort(units.begin(), units.end());
        std::sort(files.begin(), files.end());
        CHECK(units == std::vector<std::pair<uint64_t, uint64_t>>{{3, 3 * evtx_chunk_size},
                                                                  {44, 44 * evtx_chunk_size},
                                                                  {256, 256 * evtx_chunk_size}});
        // Each chunk's header announces 74 records, but its record bytes are noise: libevtx
        // would read none of them, and a chunk the screen skips counts what libevtx would.
        CHECK(files == std::vector<std::pair<fs::path, uint64_t>>{{big, 0}, {small, 0}});
    }
    fs::remove_all(dir);
}

TEST_CASE("the record screen skips records on a real log, and the rows stay the same") {
    // multi_host.evtx: 69 WMI-Activity records in 3 chunks, of which 25 are 5860 or 5861
    // (counted with python-evtx).
    fs::path log = fs::path(WMIHUNT_TEST_DATA) / "multi_host.evtx";
    auto detections = every_detection();
    ScanOptions screened;
    ScanOptions whole;
    whole.screen = false;
    DetectionResults a_rows(detections), b_rows(detections);
    auto a = scan_files({log}, detections, {&a_rows}, screened);
    auto b = scan_files({log}, detections, {&b_rows}, whole);
    REQUIRE(a.files.size() == 1);
    const ReadStats& stats = a.files[0].stats;
    CHECK(stats.records_total == 69);
    CHECK(stats.records_screened > 0);
    CHECK(stats.records_read + stats.records_screened == 69);
    CHECK(stats.records_selected == 25);
    CHECK(b.files[0].stats.records_screened == 0);
    auto fields = [](const std::vector<Row>& rows) {
        std::vector<std::tuple<std::vector<std::string>, uint64_t, int64_t, int64_t>> out;
        for (const auto& row : rows)
            out.emplace_back(row.key, row.count, row.first_time, row.last_time);
        return out;
    };
    for (size_t i = 0; i < a_rows.size(); ++i) {
        // The WMI-Activity detections find events here; the Sysmon ones have none to find.
        CHECK((a_rows.events(i) > 0) ==
              (a_rows.detection(i).provider == "Microsoft-Windows-WMI-Activity"));
        CHECK(fields(a_rows.rows(i)) == fields(b_rows.rows(i)));
    }
}

TEST_CASE("consumers get matched events in input order, each once, whatever the threads") {
    // multi_host.evtx twice under other names (its events are then duplicates) and
    // vendor_subscriptions.evtx; --keep-duplicates hands on the copies too.
    fs::path dir = fs::temp_directory_path() / ("wmihunt-order-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::path data(WMIHUNT_TEST_DATA);
    fs::copy_file(data / "multi_host.evtx", dir / "a.evtx", fs::copy_options::overwrite_existing);
    fs::copy_file(data / "vendor_subscriptions.evtx", dir / "b.evtx",
                  fs::copy_options::overwrite_existing);
    fs::copy_file(data / "multi_host.evtx", dir / "c.evtx", fs::copy_options::overwrite_existing);
    std::vector<fs::path> files = {dir / "a.evtx", dir / "b.evtx", dir / "c.evtx"};
    auto detections = every_detection();
    std::vector<Recorder> runs;
    for (unsigned threads : {1u, 2u})
        for (bool screen : {true, false}) {
            Recorder recorder;
            ScanOptions options;
            options.threads = threads;
            options.screen = screen;
            auto result = scan_files(files, detections, {&recorder}, options);
            CHECK(result.matched == recorder.seen.size());
            runs.push_back(recorder);
        }
    const auto& seen = runs.front().seen;
    REQUIRE(!seen.empty());
    for (const auto& run : runs)
        CHECK(run.seen == seen);
    // Input order: a's events, then b's, none of c's (the same events as a's), and within
    // a file ascending record ids.
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CHECK(std::none_of(seen.begin(), seen.end(),
                       [&](const auto& e) { return std::get<0>(e) == files[2].string(); }));
    ScanOptions keep;
    keep.keep_duplicates = true;
    Recorder all;
    scan_files(files, detections, {&all}, keep);
    size_t from_a = std::count_if(seen.begin(), seen.end(), [&](const auto& e) {
        return std::get<0>(e) == files[0].string();
    });
    CHECK(all.seen.size() == seen.size() + from_a);
    fs::remove_all(dir);
}
