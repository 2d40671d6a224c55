// Time parsing from libevtx's XML and Splunk's truncating time format.
#include "wmihunt/reader.hpp"
#include "wmihunt/timefmt.hpp"

#include <catch2/catch.hpp>

using namespace wmihunt;

TEST_CASE("parse_system_time reads libevtx's SystemTime text to 100 ns ticks") {
    int64_t ticks = 0;
    // 2023-10-18T02:45:44Z is 1697597144 s after the epoch (date -u -d ... +%s).
    REQUIRE(parse_system_time("2023-10-18T02:45:44.306790900Z", ticks));
    CHECK(ticks == 1697597144LL * 10'000'000 + 3067909);
    REQUIRE(parse_system_time("1970-01-01T00:00:00Z", ticks));
    CHECK(ticks == 0);
    REQUIRE(parse_system_time("1601-01-01T00:00:00.0000001Z", ticks));
    CHECK(ticks == -116444736000000000LL + 1);
    CHECK_FALSE(parse_system_time("2023-10-18 02:45:44Z", ticks));
    CHECK_FALSE(parse_system_time("2023-13-18T02:45:44Z", ticks));
    CHECK_FALSE(parse_system_time("2023-02-30T02:45:44Z", ticks));
    CHECK_FALSE(parse_system_time("2023-10-18T02:45:44", ticks));
}

TEST_CASE("format_splunk_time truncates sub-seconds, never rounds") {
    int64_t t = 1697597144LL * 10'000'000;
    CHECK(format_splunk_time(t) == "2023-10-18T02:45:44");
    CHECK(format_splunk_time(t + 9'999'999) == "2023-10-18T02:45:44");
    CHECK(format_splunk_time(t + 10'000'000) == "2023-10-18T02:45:45");
    SECTION("before 1970 it floors toward the earlier second") {
        CHECK(format_splunk_time(-1) == "1969-12-31T23:59:59");
        CHECK(format_splunk_time(-116444736000000000LL) == "1601-01-01T00:00:00");
    }
}

TEST_CASE("format_iso_time keeps all seven fraction digits") {
    CHECK(format_iso_time(1697597144LL * 10'000'000 + 3067909) == "2023-10-18T02:45:44.3067909Z");
    CHECK(format_iso_time(-1) == "1969-12-31T23:59:59.9999999Z");
}
