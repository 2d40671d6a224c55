// test_corpus.cpp: corpus sizes, layout, determinism and truth files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "corpus.hpp"

using namespace evtxgen;

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

TEST_CASE("sizes and profiles", "[corpus]") {
    CHECK(parse_size("4096") == 4096);
    CHECK(parse_size("512K") == 512 * 1024);
    CHECK(parse_size("200M") == 200ULL * 1024 * 1024);
    CHECK(parse_size("1G") == 1024ULL * 1024 * 1024);
    CHECK_THROWS_AS(parse_size("1T"), std::invalid_argument);
    CHECK_THROWS_AS(parse_size("M"), std::invalid_argument);
    CHECK(parse_profile("wmi") == CorpusProfile::Wmi);
    CHECK(parse_profile("sysmon") == CorpusProfile::Sysmon);
    CHECK_THROWS_AS(parse_profile("all"), std::invalid_argument);
}

TEST_CASE("a series whose last file would be tiny still gets a whole chunk", "[corpus]") {
    // 2 hosts x (1 MiB + 100 bytes) in the wmi profile: each host's series is a 1 MiB archive
    // and a 100-byte remainder, the current log. A file is written until its target number
    // of chunks (at least 1) is full, so the remainder gets one full chunk plus the chunk
    // holding the record that did not fit: 4096 + 2 * 65536 bytes.
    const auto dir = std::filesystem::temp_directory_path() / "evtxgen_test_corpus_tiny";
    std::filesystem::remove_all(dir);
    CorpusOptions o;
    o.profile = CorpusProfile::Wmi;
    o.size = 2 * (1024 * 1024 + 100);
    o.hosts = 2;
    o.out = dir;
    const CorpusReport r = write_corpus(o);
    CHECK(r.files == 4);
    CHECK(std::filesystem::file_size(dir / "WKS-0000" /
                                     "Microsoft-Windows-WMI-Activity%4Operational.evtx") ==
          4096 + 2 * 65536);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a small triage corpus", "[corpus]") {
    const auto dir = std::filesystem::temp_directory_path() / "evtxgen_test_corpus";
    std::filesystem::remove_all(dir);
    CorpusOptions o;
    o.profile = CorpusProfile::Triage;
    o.size = 8ULL * 1024 * 1024;
    o.hosts = 2;
    o.seed = 11;
    o.out = dir / "a";
    const CorpusReport r = write_corpus(o);
    SECTION("per-host channel logs, whole chunks, about the asked size") {
        CHECK(r.files == 8);
        CHECK(r.bytes >= o.size * 9 / 10);
        CHECK(r.bytes <= o.size + 8 * 65536);
        const auto security = o.out / "WKS-0000" / "Security.evtx";
        REQUIRE(std::filesystem::exists(security));
        CHECK((std::filesystem::file_size(security) - 4096) % 65536 == 0);
        CHECK(std::filesystem::exists(o.out / "truth.temporary.csv"));
        CHECK(slurp(o.out / "truth.permanent.csv").rfind("dest,consumer,Message,count,", 0) == 0);
    }
    SECTION("the same seed gives the same bytes") {
        CorpusOptions again = o;
        again.out = dir / "b";
        write_corpus(again);
        CHECK(slurp(o.out / "WKS-0001" / "System.evtx") ==
              slurp(again.out / "WKS-0001" / "System.evtx"));
        CHECK(slurp(o.out / "truth.temporary.all.csv") ==
              slurp(again.out / "truth.temporary.all.csv"));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("a small sysmon corpus", "[corpus]") {
    const auto dir = std::filesystem::temp_directory_path() / "evtxgen_test_corpus_sysmon";
    std::filesystem::remove_all(dir);
    CorpusOptions o;
    o.profile = CorpusProfile::Sysmon;
    o.size = 3ULL * 2 * 1024 * 1024;
    o.hosts = 3;
    o.seed = 4;
    o.out = dir;
    const CorpusReport r = write_corpus(o);
    CHECK(r.files == 3);
    for (const char* host : {"WKS-0000", "WKS-0001", "WKS-0002"})
        CHECK(std::filesystem::exists(dir / host / "Microsoft-Windows-Sysmon%4Operational.evtx"));
    CHECK(slurp(dir / "truth.sysmon-persistence.csv")
              .starts_with("dest,User,Destination,count,firstTime,lastTime\n"));
    CHECK(slurp(dir / "truth.permanent-sysmon.csv")
              .starts_with("_time,dest,user,Operation,EventType,Query,Consumer,Filter\n"));
    std::filesystem::remove_all(dir);
}
