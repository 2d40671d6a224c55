// Splunk's comparison rules: bare-term tokens and whole-value wildcard comparison.
#include "wmihunt/splunk.hpp"

#include <catch2/catch.hpp>

using namespace wmihunt;

TEST_CASE("term_matches finds a term as a whole token, case-insensitively") {
    CHECK(term_matches("ClientMachine = X; PossibleCause = Temporary", "Temporary"));
    CHECK(term_matches("possiblecause=TEMPORARY", "Temporary"));
    CHECK(term_matches("PossibleCause = Binding EventFilter: \ninstance", "Binding"));
    SECTION("minor breakers such as _ . - / bound tokens too") {
        CHECK(term_matches("x_Temporary", "Temporary"));
        CHECK(term_matches("a.temporary.b", "Temporary"));
    }
    SECTION("a term inside a longer word does not match") {
        CHECK_FALSE(term_matches("TemporaryEssStarted", "Temporary"));
        CHECK_FALSE(term_matches("NonTemporary", "Temporary"));
        CHECK_FALSE(term_matches("Bindings", "Binding"));
        CHECK_FALSE(term_matches("", "Binding"));
    }
}

TEST_CASE("SplunkValue compares whole values, case-insensitively, with * wildcards") {
    SplunkValue excl("SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = 'wsmprovhost.exe'");
    CHECK(excl.matches(
        "SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = 'wsmprovhost.exe'"));
    CHECK(excl.matches(
        "select * from win32_processstarttrace where processname = 'WSMPROVHOST.EXE'"));
    SECTION("* inside the value matches any run, including an empty one and newlines") {
        CHECK(excl.matches(
            "SELECT Name, Id FROM Win32_ProcessStartTrace WHERE ProcessName = 'wsmprovhost.exe'"));
        CHECK(excl.matches(
            "SELECT  FROM Win32_ProcessStartTrace WHERE ProcessName = 'wsmprovhost.exe'"));
        CHECK(excl.matches(
            "SELECT a,\nb FROM Win32_ProcessStartTrace WHERE ProcessName = 'wsmprovhost.exe'"));
    }
    SECTION("the whole value must match: a longer or shorter value does not") {
        CHECK_FALSE(excl.matches(
            "SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = 'wsmprovhost.exe' "));
        CHECK_FALSE(
            excl.matches("SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = 'evil.exe'"));
    }
    SECTION("regex metacharacters in the value are literal") {
        SplunkValue consumer("NTEventLogEventConsumer=\"SCM Event Log Consumer\"");
        CHECK(consumer.matches("NTEventLogEventConsumer=\"scm event log consumer\""));
        CHECK_FALSE(consumer.matches("NTEventLogEventConsumer=\"SCM Event Log Consumer2\""));
        SplunkValue dots("a.b");
        CHECK_FALSE(dots.matches("aXb"));
    }
}
