// Time parsing from libevtx's XML and Splunk's truncating time format.
#include "wmihunt/reader.hpp"
#include "wmihunt/timefmt.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

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

namespace {
constexpr int64_t s = 10'000'000; // ticks per second
std::string parse_error(const std::string& text, const TimeZone& zone = {}) {
    try {
        parse_time(text, zone);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}
} // namespace

// Expected instants from Python: datetime(..., tzinfo=...).timestamp(), zoneinfo for zones.
TEST_CASE("parse_time reads ISO-8601 dates and date-times, with or without a zone") {
    CHECK(parse_time("2022-03-10", {}) == 1646870400 * s);
    CHECK(parse_time("2022-03-10T19:51", {}) == (1646870400 + 19 * 3600 + 51 * 60) * s);
    CHECK(parse_time("2022-03-10 19:51:17.25Z", {}) == (1646938277 + 3600) * s + 2'500'000);
    CHECK(parse_time("2022-03-10T19:51:17+01:00", {}) == 1646938277 * s);
    CHECK(parse_time("2022-03-10T19:51:17+0100", {}) == 1646938277 * s);
    CHECK(parse_time("2022-03-10T19:51:17+01", {}) == 1646938277 * s);
    CHECK(parse_time("2022-03-10T19:51:17.123456789Z", {}) == (1646938277 + 3600) * s + 1234567);
}

TEST_CASE("parse_time without a zone reads wall time in the given zone") {
    TimeZone berlin = TimeZone::named("Europe/Berlin");
    CHECK(parse_time("2022-03-10T20:51:17", berlin) == (1646938277 + 3600) * s);
    CHECK(parse_time("2022-03-10T20:51:17Z", berlin) == (1646938277 + 2 * 3600) * s);
    // 02:30 on 2022-03-27 does not exist in Berlin: the clocks jumped at 01:00 UTC.
    CHECK(parse_time("2022-03-27T02:30", berlin) == 1648342800 * s);
    // 02:30 on 2022-10-30 happened twice: the earlier, 00:30 UTC, is taken.
    CHECK(parse_time("2022-10-30T02:30", berlin) == 1667089800 * s);
}

TEST_CASE("parse_time rejects what is not an ISO-8601 time, saying why") {
    std::string form = "not an ISO-8601 time (expected YYYY-MM-DD, optionally followed by "
                       "THH:MM[:SS[.fraction]] and Z or +HH:MM)";
    CHECK(parse_error("yesterday") == form);
    CHECK(parse_error("2022-3-10") == form);
    CHECK(parse_error("2022-03-10T19") == form);
    CHECK(parse_error("2022-03-10T19:51:17.") == form);
    CHECK(parse_error("2022-03-10T19:51:17Zx") == form);
    CHECK(parse_error("1646938277") == form);
    CHECK(parse_error("2022-02-30") == "no such date or time of day");
    CHECK(parse_error("2022-03-10T24:00") == "no such date or time of day");
    CHECK(parse_error("2022-03-10T19:51+25:00") == "the UTC offset is out of range");
}

TEST_CASE("format_time prints wall time and offset of the zone") {
    int64_t t = 1646941877 * s + 6765192; // 2022-03-10T19:51:17.6765192Z
    CHECK(format_time(t, TimeStyle::splunk, {}) == "2022-03-10T19:51:17");
    CHECK(format_time(t, TimeStyle::iso, {}) == "2022-03-10T19:51:17.6765192Z");
    TimeZone berlin = TimeZone::named("Europe/Berlin");
    CHECK(berlin.name() == "Europe/Berlin");
    // Outside UTC even Splunk's style carries the offset: a wall time alone is ambiguous.
    CHECK(format_time(t, TimeStyle::splunk, berlin) == "2022-03-10T20:51:17+01:00");
    CHECK(format_time(t, TimeStyle::splunk, TimeZone::named("America/St_Johns")) ==
          "2022-03-10T16:21:17-03:30");
    CHECK(format_time(t, TimeStyle::iso, berlin) == "2022-03-10T20:51:17.6765192+01:00");
    CHECK(format_time(t, TimeStyle::iso, TimeZone::named("America/St_Johns")) ==
          "2022-03-10T16:21:17.6765192-03:30");
    CHECK(TimeZone::named("UTC").is_utc());
}

TEST_CASE("TimeZone::named rejects unknown zones, and local follows TZ") {
    CHECK_THROWS_WITH(TimeZone::named("Mars/Olympus"),
                      "unknown time zone (use UTC, local, or an IANA name such as Europe/Berlin "
                      "from /usr/share/zoneinfo)");
    CHECK_THROWS_AS(TimeZone::named(""), std::invalid_argument);
    const char* saved = std::getenv("TZ");
    std::string old = saved ? saved : "";
    ::setenv("TZ", "Asia/Kolkata", 1);
    CHECK(TimeZone::named("local").name() == "Asia/Kolkata");
    ::setenv("TZ", "Nowhere/Land", 1);
    CHECK_THROWS_WITH(TimeZone::named("local"),
                      "the local time zone (TZ=Nowhere/Land) is not in the system's tzdata");
    if (saved)
        ::setenv("TZ", old.c_str(), 1);
    else
        ::unsetenv("TZ");
}
