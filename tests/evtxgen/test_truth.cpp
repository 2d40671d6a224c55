// test_truth.cpp: the Splunk semantics evtxgen applies to compute truth files.
#include <catch2/catch.hpp>

#include "event_source.hpp"
#include "truth.hpp"

using namespace evtxgen;

TEST_CASE("rex capture: label, \\s+, then [^;|^$]+", "[truth]") {
    const std::string_view q = "NotificationQuery =";
    SECTION("stops at ; | ^ $ but not at a newline") {
        CHECK(rex_capture("NotificationQuery = a b; c", q) == "a b");
        CHECK(rex_capture("NotificationQuery = x|y", q) == "x");
        CHECK(rex_capture("NotificationQuery = x^y", q) == "x");
        CHECK(rex_capture("NotificationQuery = ADMIN$ z", q) == "ADMIN");
        CHECK(rex_capture("NotificationQuery = line1\nline2; z", q) == "line1\nline2");
    }
    SECTION("leading whitespace goes to \\s+, trailing whitespace stays captured") {
        CHECK(rex_capture("NotificationQuery =    a ; z", q) == "a ");
    }
    SECTION("an empty value has no match there; a later occurrence can match") {
        CHECK_FALSE(rex_capture("NotificationQuery = ; z", q).has_value());
        CHECK(rex_capture("NotificationQuery = ; NotificationQuery = b", q) == "b");
        // \\s+ gives back one space to the class when nothing else follows
        CHECK(rex_capture("NotificationQuery =  ; z", q) == " ");
    }
    SECTION("no whitespace after the label, no match") {
        CHECK_FALSE(rex_capture("NotificationQuery =x", q).has_value());
        CHECK_FALSE(rex_capture("nothing here", q).has_value());
    }
}

TEST_CASE("Splunk value comparison and terms", "[truth]") {
    CHECK(splunk_value_matches("select * from X", "SELECT * FROM x"));
    CHECK(splunk_value_matches("SELECT a, b FROM x", "SELECT * FROM x")); // * is a wildcard
    CHECK_FALSE(splunk_value_matches("SELECT * FROM x2", "SELECT * FROM x"));
    CHECK_FALSE(splunk_value_matches("SELECT * FROM", "SELECT * FROM x"));
    CHECK(contains_term("PossibleCause = Temporary", "temporary"));
    CHECK(contains_term("TEMPORARY", "Temporary"));
    CHECK_FALSE(contains_term("Win32_NotTemporary", "Temporary"));
    CHECK_FALSE(contains_term("Temporaryx", "Temporary"));
    CHECK(contains_term("Binding EventFilter:", "Binding"));
}

TEST_CASE("rendered message", "[truth]") {
    const EventSpec& s = *find_event_spec("wmi5860");
    std::vector<Value> v = {Value::string("ROOT\\CIMV2"),
                            Value::string("SELECT %2"),
                            Value::string(""),
                            Value::integer(ValueType::UInt32, 42),
                            Value::string("PC"),
                            Value::string("Temporary")};
    // %2 inside a value is not substituted again.
    CHECK(render_message(s, v) == "Namespace = ROOT\\CIMV2; NotificationQuery = SELECT %2; "
                                  "UserName = ; ClientProcessID = 42, ClientMachine = PC; "
                                  "PossibleCause = Temporary");
}

TEST_CASE("truth rows", "[truth]") {
    Rng rng(1);
    Truth truth;
    auto temp = [&](const char* host, const char* query, const char* when, const char* cause) {
        Event e;
        fill_default_event(*find_event_spec("wmi5860"), host, parse_iso_filetime(when), rng, e);
        e.values[1] = Value::string(query);
        e.values[5] = Value::string(cause);
        truth.add(e);
    };
    temp("B", "q1", "2024-01-01T00:00:01.9000000Z", "Temporary");
    temp("B", "q1", "2024-01-01T00:00:05.9999999Z", "Temporary");
    temp("A", "q,\"2\"", "2024-01-01T00:00:03.0000000Z", "Temporary");
    temp("A", "q3", "2024-01-01T00:00:03.0000000Z", "Permanent"); // no Temporary term
    temp("A", "select * from win32_processstarttrace where processname = 'WSMPROVHOST.EXE'",
         "2024-01-01T00:00:04.0000000Z", "Temporary");
    SECTION("grouped, sorted by bytes, quoted, times truncated") {
        CHECK(truth.temporary_csv(false) ==
              "ComputerName,query,count,firstTime,lastTime\n"
              "A,\"q,\"\"2\"\"\",1,2024-01-01T00:00:03,2024-01-01T00:00:03\n"
              "A,select * from win32_processstarttrace where processname = 'WSMPROVHOST.EXE',1,"
              "2024-01-01T00:00:04,2024-01-01T00:00:04\n"
              "B,q1,2,2024-01-01T00:00:01,2024-01-01T00:00:05\n");
    }
    SECTION("default exclusions are case-insensitive") {
        CHECK(truth.temporary_csv(true) ==
              "ComputerName,query,count,firstTime,lastTime\n"
              "A,\"q,\"\"2\"\"\",1,2024-01-01T00:00:03,2024-01-01T00:00:03\n"
              "B,q1,2,2024-01-01T00:00:01,2024-01-01T00:00:05\n");
    }
    SECTION("other providers with event id 5860 do not count") {
        Truth t2;
        Event e;
        fill_default_event(*find_event_spec("other5860"), "A", 1, rng, e);
        t2.add(e);
        CHECK(t2.temporary_csv(false) == "ComputerName,query,count,firstTime,lastTime\n");
    }
    SECTION("the SCM binding is excluded, in any letter case") {
        Truth t3;
        Event e;
        fill_default_event(*find_event_spec("wmi5861"), "A", 1, rng, e);
        t3.add(e);
        e.values[2] = Value::string("ntEVENTLOGeventconsumer=\"scm event log consumer\"");
        t3.add(e);
        CHECK(t3.permanent_csv(true) == "dest,consumer,Message,count,firstTime,lastTime\n");
        CHECK(t3.permanent_csv(false).find("\nA,\"NTEventLogEventConsumer=\"\"SCM Event Log "
                                           "Consumer\"\"\",") != std::string::npos);
    }
}

TEST_CASE("Sysmon truth rows", "[truth]") {
    Rng rng(2);
    Truth truth;
    // One event of `kind` in Sysmon schema `schema`, its fields set by name.
    auto add = [&](const char* kind, const char* schema, const char* host, const char* when,
                   std::vector<std::pair<std::string_view, std::string>> fields) {
        Event e;
        fill_default_event(*find_event_spec(kind, schema), host, parse_iso_filetime(when), rng, e);
        for (const auto& [name, text] : fields) {
            const int i = field_index(*e.spec, name);
            REQUIRE(i >= 0);
            e.values[static_cast<std::size_t>(i)] = Value::string(text);
        }
        truth.add(e);
    };
    const std::string dest = " \"c:\\\\a.exe, \"\"x\"\"\"";
    add("sysmon20", "4.00", "H", "2024-01-01T00:00:05.9990000Z",
        {{"User", "U"}, {"Destination", dest}});
    add("sysmon20", "4.90", "H", "2024-01-01T00:00:01.0000000Z",
        {{"User", "U"}, {"Destination", dest}});
    add("sysmon20", "4.20", "H", "2024-01-01T00:00:02.0000000Z",
        {{"User", ""}, {"Destination", "d"}});
    add("sysmon20", "4.20", "H", "2024-01-01T00:00:02.0000000Z",
        {{"User", "U"}, {"Destination", ""}});
    add("sysmon20", "4.20", "\xC3\x96", "2024-01-01T00:00:03.0000000Z",
        {{"User", "U"}, {"Destination", "d"}});
    add("sysmon19", "4.20", "H", "2024-01-01T00:00:03.0000000Z", {{"User", "U"}});
    add("sysmon3", "4.90", "H", "2024-01-01T00:00:03.0000000Z", {{"User", "U"}});
    add("sysmon21", "4.00", "H", "2024-01-01T00:00:07.1239999Z",
        {{"User", "U"}, {"Consumer", "b"}, {"Filter", "f"}});
    add("sysmon21", "4.90", "H", "2024-01-01T00:00:07.1239999Z",
        {{"User", "U"}, {"Consumer", "a"}, {"Filter", "f"}});
    add("sysmon21", "4.20", "H", "2024-01-01T00:00:09.0000000Z",
        {{"User", ""}, {"Consumer", "c,\"d\""}, {"Filter", "f"}});
    SECTION("sysmon-persistence: by Computer, User, Destination; empty ones dropped; bytes order") {
        // Derivation: the two events (H, U, dest) at 00:00:05.999 and 00:00:01 give count 2,
        // first 00:00:01, last 00:00:05 (truncated); the events with an empty User or
        // Destination give no row; "\xC3\x96" (Ö) sorts after "H" as UTF-8 bytes.
        CHECK(truth.sysmon_persistence_csv() ==
              "dest,User,Destination,count,firstTime,lastTime\n"
              "H,U,\" \"\"c:\\\\a.exe, \"\"\"\"x\"\"\"\"\"\"\",2,2024-01-01T00:00:01,"
              "2024-01-01T00:00:05\n"
              "\xC3\x96,U,d,1,2024-01-01T00:00:03,2024-01-01T00:00:03\n");
    }
    SECTION("permanent-sysmon: one row per event 21, newest first, ties by the other columns") {
        // Both 00:00:07.1239999 events print .123 (truncated); at the same time the row with
        // Consumer "a" comes before "b". Query is always empty; an empty user stays.
        CHECK(truth.permanent_sysmon_csv() ==
              "_time,dest,user,Operation,EventType,Query,Consumer,Filter\n"
              "2024-01-01T00:00:09.000+00:00,H,,Created,WmiBindingEvent,,\"c,\"\"d\"\"\",f\n"
              "2024-01-01T00:00:07.123+00:00,H,U,Created,WmiBindingEvent,,a,f\n"
              "2024-01-01T00:00:07.123+00:00,H,U,Created,WmiBindingEvent,,b,f\n");
    }
    SECTION("Splunk's export time: milliseconds truncated") {
        CHECK(splunk_export_time(parse_iso_filetime("2024-01-01T23:59:59.9999999Z")) ==
              "2024-01-01T23:59:59.999+00:00");
    }
}
