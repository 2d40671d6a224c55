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
    CHECK_THROWS_AS(parse_profile("all"), std::invalid_argument);
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
