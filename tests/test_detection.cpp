// The detection table and the per-event search: term, rex, exclusions, output fields.
#include "wmihunt/detection.hpp"

#include "wmihunt/aggregator.hpp"

#include <catch2/catch.hpp>

using namespace wmihunt;

namespace {
Event temporary_event(std::string query, std::string cause = "Temporary",
                      std::string host = "HOST-1") {
    RawRecord record;
    record.event_id = 5860;
    record.provider = "Microsoft-Windows-WMI-Activity";
    record.computer = std::move(host);
    record.time_created = 100;
    record.values = {"ROOT\\cimv2", std::move(query), "DOM\\user", "1234", "WS1", std::move(cause)};
    record.names = {"NamespaceName", "Query",         "User",
                    "Processid",     "ClientMachine", "PossibleCause"};
    return make_event(record);
}
Event permanent_event(std::string consumer, std::string cause = "Binding EventFilter: \n};\n") {
    RawRecord record;
    record.event_id = 5861;
    record.provider = "Microsoft-Windows-WMI-Activity";
    record.computer = "HOST-2";
    record.values = {"//./root/subscription", "F", std::move(consumer), std::move(cause)};
    record.names = {"Namespace", "ESS", "CONSUMER", "PossibleCause"};
    return make_event(record);
}

// The values of the detection's output fields for `event`, or nullopt when it does not
// match: the `stats by` key the aggregator counts.
std::optional<std::vector<std::string>> group_key(const CompiledDetection& d, const Event& event) {
    auto extracted = d.match(event);
    if (!extracted)
        return std::nullopt;
    std::vector<std::string> key;
    for (auto field : d.detection().output_fields()) {
        const std::string* value = CompiledDetection::value(event, *extracted, field);
        key.push_back(value != nullptr ? *value : std::string());
    }
    return key;
}
} // namespace

TEST_CASE("the detection table holds both seed analytics as data") {
    REQUIRE(detections().size() >= 2);
    const Detection* t = find_detection("temporary");
    const Detection* p = find_detection("permanent");
    REQUIRE(t);
    REQUIRE(p);
    CHECK(t->event_ids == std::vector<uint32_t>{5860});
    CHECK(p->event_ids == std::vector<uint32_t>{5861});
    CHECK(t->columns() ==
          std::vector<std::string>{"ComputerName", "query", "count", "firstTime", "lastTime"});
    CHECK(p->columns() == std::vector<std::string>{"dest", "consumer", "Message", "count",
                                                   "firstTime", "lastTime"});
    CHECK(t->default_exclusions.size() == 2);
    CHECK(p->default_exclusions.size() == 1);
    CHECK(find_detection("nope") == nullptr);
}

TEST_CASE("temporary: rex takes the query up to ';', '|', '^' or '$' but across newlines") {
    CompiledDetection d(*find_detection("temporary"), true);
    SECTION("up to the semicolon that ends the value in the Message") {
        auto key = group_key(d, temporary_event("SELECT * FROM __InstanceCreationEvent"));
        REQUIRE(key);
        CHECK(*key == std::vector<std::string>{"HOST-1", "SELECT * FROM __InstanceCreationEvent"});
    }
    SECTION("a newline inside the query does not end it") {
        auto key = group_key(d, temporary_event("SELECT *\nFROM X"));
        REQUIRE(key);
        CHECK((*key)[1] == "SELECT *\nFROM X");
    }
    SECTION("'|', '^' and '$' end it") {
        CHECK((*group_key(d, temporary_event("SELECT a|b")))[1] == "SELECT a");
        CHECK((*group_key(d, temporary_event("SELECT a^b")))[1] == "SELECT a");
        CHECK((*group_key(d, temporary_event("SELECT a$b")))[1] == "SELECT a");
    }
    SECTION("an empty query gives no match: the event has no query field and is dropped") {
        // "NotificationQuery = ; UserName" - \s+ eats the space, then [^;...]+ needs a char.
        CHECK_FALSE(group_key(d, temporary_event("")));
    }
}

TEST_CASE("temporary: the term Temporary must be a token of the Message") {
    CompiledDetection d(*find_detection("temporary"), false);
    CHECK(group_key(d, temporary_event("SELECT 1", "Temporary")));
    CHECK(group_key(d, temporary_event("SELECT 1", "temporary")));
    CHECK_FALSE(group_key(d, temporary_event("SELECT 1", "Permanent")));
}

TEST_CASE("temporary: default exclusions are whole-value, case-insensitive comparisons") {
    std::string sc = "SELECT * FROM __InstanceOperationEvent WHERE TargetInstance ISA "
                     "'AntiVirusProduct' OR TargetInstance ISA 'FirewallProduct' OR "
                     "TargetInstance ISA 'AntiSpywareProduct'";
    CompiledDetection with(*find_detection("temporary"), true);
    CompiledDetection without(*find_detection("temporary"), false);
    CHECK_FALSE(group_key(with, temporary_event(sc)));
    CHECK(group_key(without, temporary_event(sc)));
    CHECK_FALSE(group_key(
        with, temporary_event(
                  "select * from win32_processstarttrace where processname = 'WSMPROVHOST.EXE'")));
    SECTION("Sysmon's own watcher (note 5WHERE, as logged) is not excluded") {
        CHECK(group_key(
            with, temporary_event(
                      "SELECT * FROM __InstanceOperationEvent WITHIN 5WHERE TargetInstance ISA "
                      "'__EventConsumer'")));
    }
}

TEST_CASE("temporary: an event with an empty host is dropped, as stats by drops it") {
    CompiledDetection d(*find_detection("temporary"), true);
    CHECK_FALSE(group_key(d, temporary_event("SELECT 1", "Temporary", "")));
}

TEST_CASE("permanent: consumer, Message key and the SCM exclusion") {
    CompiledDetection d(*find_detection("permanent"), true);
    auto e = permanent_event("ActiveScriptEventConsumer=\"KillProcess\"");
    auto key = group_key(d, e);
    REQUIRE(key);
    REQUIRE(key->size() == 3);
    CHECK((*key)[0] == "HOST-2");
    CHECK((*key)[1] == "ActiveScriptEventConsumer=\"KillProcess\"");
    CHECK((*key)[2] == *e.field("Message"));
    CHECK_FALSE(
        group_key(d, permanent_event("NTEventLogEventConsumer=\"SCM Event Log Consumer\"")));
    CHECK_FALSE(
        group_key(d, permanent_event("ntEventLogEventConsumer=\"scm event log consumer\"")));
    CHECK(group_key(CompiledDetection(*find_detection("permanent"), false),
                    permanent_event("NTEventLogEventConsumer=\"SCM Event Log Consumer\"")));
    SECTION("without the term Binding the event does not match") {
        CHECK_FALSE(group_key(d, permanent_event("CommandLineEventConsumer=\"x\"", "Unbound")));
    }
}

TEST_CASE("a detection ignores other event ids and providers") {
    CompiledDetection d(*find_detection("permanent"), true);
    Event e = temporary_event("SELECT 1");
    CHECK_FALSE(group_key(d, e));
}

TEST_CASE("1 MiB attacker-written values are extracted whole and excluded correctly") {
    CompiledDetection temporary(*find_detection("temporary"), true);
    CompiledDetection permanent(*find_detection("permanent"), true);
    const std::string mib(1 << 20, 'A');
    SECTION("a 1 MiB query is the group value, byte for byte") {
        auto key = group_key(temporary, temporary_event("SELECT " + mib));
        REQUIRE(key);
        CHECK((*key)[1] == "SELECT " + mib);
    }
    SECTION("a 1 MiB value that begins like an excluded query is not excluded") {
        // The exclusion's wildcard has to scan the whole value before it can fail.
        std::string query = "SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = '" + mib;
        auto key = group_key(temporary, temporary_event(query));
        REQUIRE(key);
        CHECK((*key)[1] == query);
    }
    SECTION("a 1 MiB consumer with a stop character is cut there, as the rex says") {
        auto key = group_key(permanent, permanent_event(mib + ";" + mib));
        REQUIRE(key);
        CHECK((*key)[1] == mib);
        CHECK((*key)[2].size() > 2 * mib.size());
    }
}

namespace {
// A Sysmon WMI event with the given EventData fields, named as Sysmon names them.
Event sysmon_event(uint32_t id, std::vector<std::pair<std::string, std::string>> fields,
                   int64_t time = 0, std::string host = "WS1") {
    RawRecord record;
    record.event_id = id;
    record.provider = "Microsoft-Windows-Sysmon";
    record.computer = std::move(host);
    record.time_created = time;
    for (auto& [name, value] : fields) {
        record.names.push_back(name);
        record.values.push_back(value);
    }
    return make_event(record);
}
} // namespace

TEST_CASE("the Sysmon rows: Splunk's columns and event ids") {
    const Detection* persistence = find_detection("sysmon-persistence");
    const Detection* binding = find_detection("permanent-sysmon");
    REQUIRE(persistence);
    REQUIRE(binding);
    CHECK(persistence->event_ids == std::vector<uint32_t>{20});
    CHECK(binding->event_ids == std::vector<uint32_t>{21});
    CHECK(persistence->columns() == std::vector<std::string>{"dest", "User", "Destination", "count",
                                                             "firstTime", "lastTime"});
    CHECK(binding->columns() == std::vector<std::string>{"_time", "dest", "user", "Operation",
                                                         "EventType", "Query", "Consumer",
                                                         "Filter"});
    CHECK(persistence->mitre == "T1546.003");
    CHECK(persistence->risk_score == 63);
    CHECK(binding->risk_score == 30);
}

TEST_CASE("sysmon-persistence: event 20 by host, User and Destination; empty fields drop it") {
    CompiledDetection d(*find_detection("sysmon-persistence"), true);
    auto e = sysmon_event(20, {{"Operation", "Created"},
                               {"User", "CORP\\eve"},
                               {"Name", " \"BotConsumer23\""},
                               {"Destination", " \"c:\\\\Windows\\\\System32\\\\cmd.exe\""}});
    auto key = group_key(d, e);
    REQUIRE(key);
    CHECK(*key == std::vector<std::string>{"WS1", "CORP\\eve",
                                           " \"c:\\\\Windows\\\\System32\\\\cmd.exe\""});
    CHECK_FALSE(group_key(d, sysmon_event(20, {{"User", "CORP\\eve"}, {"Destination", ""}})));
    CHECK_FALSE(group_key(d, sysmon_event(20, {{"Destination", "x"}})));
    CHECK_FALSE(group_key(d, sysmon_event(21, {{"User", "u"}, {"Destination", "x"}})));
    CHECK_FALSE(group_key(d, sysmon_event(19, {{"User", "u"}, {"Destination", "x"}})));
}

TEST_CASE("permanent-sysmon: one row per event 21, newest first, ties by the rest of the row") {
    std::vector<CompiledDetection> detections;
    detections.emplace_back(*find_detection("permanent-sysmon"), true);
    DetectionResults results(detections);
    std::filesystem::path file = "x.evtx";
    auto feed = [&](const Event& event) {
        auto extracted = detections[0].match(event);
        REQUIRE(extracted);
        std::vector<DetectionMatch> matches{{0, *extracted}};
        results.consume(MatchedEvent{event, file, matches});
    };
    feed(sysmon_event(21, {{"User", "u"}, {"Operation", "Created"}, {"Consumer", "C1"}}, 100));
    feed(sysmon_event(21, {{"User", "u"}, {"Operation", "Deleted"}, {"Consumer", "C1"}}, 300));
    feed(sysmon_event(21, {{"User", "u"}, {"Operation", "Created"}, {"Consumer", "C2"}}, 300));
    // A 20 is not this detection's.
    CHECK_FALSE(detections[0].match(sysmon_event(20, {{"User", "u"}})));
    auto rows = results.rows(0);
    REQUIRE(rows.size() == 3);
    // Fields: _time (empty cell), host, User, Operation, EventType, Query, Consumer, Filter.
    CHECK(rows[0].first_time == 300);
    CHECK(rows[0].key == std::vector<std::string>{"", "WS1", "u", "Created", "", "", "C2", ""});
    CHECK(rows[1].first_time == 300);
    CHECK(rows[1].key[3] == "Deleted");
    CHECK(rows[2].first_time == 100);
    CHECK(results.events(0) == 3);
}
