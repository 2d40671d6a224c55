// The event model: fields named as the record's XML names them, and the Message rendering
// of every WMI-Activity layout of detections.md.
#include "wmihunt/event.hpp"

#include <catch2/catch.hpp>

#include <optional>

using namespace wmihunt;

namespace {
RawRecord wmi_record(uint32_t event_id, std::vector<std::string> values) {
    RawRecord record;
    record.record_id = 7;
    record.event_id = event_id;
    record.provider = "Microsoft-Windows-WMI-Activity";
    record.computer = "HOST-1";
    record.time_created = 42;
    record.values = std::move(values);
    return record;
}

// The event of a record whose values carry no names: only its Message is rendered.
std::optional<Event> event_of(const RawRecord& record) {
    return make_event(record);
}
} // namespace

TEST_CASE("render_message fills each of the five WMI-Activity templates by position") {
    // Expected texts are the templates of detections.md with %n replaced by hand.
    SECTION("5857") {
        auto e = event_of(wmi_record(5857, {"WMIProv", "0x00000000", "wmiprvse.exe", "3432",
                                            "%systemroot%\\system32\\wbem\\wmiprov.dll"}));
        REQUIRE(e);
        CHECK(*e->field("Message") ==
              "WMIProv provider started with result code 0x00000000. HostProcess = wmiprvse.exe; "
              "ProcessID = 3432; ProviderPath = %systemroot%\\system32\\wbem\\wmiprov.dll");
    }
    SECTION("5858") {
        auto e =
            event_of(wmi_record(5858, {"{1}", "HOST", "NT AUTHORITY\\SYSTEM", "1016", "4",
                                       "Start IWbemServices::ExecQuery", "0x80041032", "Unknown"}));
        REQUIRE(e);
        CHECK(*e->field("Message") ==
              "Id = {1}; ClientMachine = HOST; User = NT AUTHORITY\\SYSTEM; ClientProcessId = "
              "1016; Component = 4; Operation = Start IWbemServices::ExecQuery; ResultCode = "
              "0x80041032; PossibleCause = Unknown");
    }
    SECTION("5859 keeps the double space before Provider and the comma before queryID") {
        auto e = event_of(
            wmi_record(5859, {"//./root/CIMV2", "select * from MSFT_SCMEventLogEvent",
                              "S-1-5-32-544", "364", "SCM Event Provider", "0", "Permanent"}));
        REQUIRE(e);
        CHECK(*e->field("Message") ==
              "Namespace = //./root/CIMV2; NotificationQuery = select * from "
              "MSFT_SCMEventLogEvent; OwnerName = S-1-5-32-544; HostProcessID = 364;  Provider= "
              "SCM Event Provider, queryID = 0; PossibleCause = Permanent");
    }
    SECTION("5860") {
        auto e = event_of(wmi_record(
            5860, {"ROOT\\Subscription", "SELECT * FROM X", "DOM\\u", "4242", "WS1", "Temporary"}));
        REQUIRE(e);
        CHECK(*e->field("Message") ==
              "Namespace = ROOT\\Subscription; NotificationQuery = SELECT * FROM X; UserName = "
              "DOM\\u; ClientProcessID = 4242, ClientMachine = WS1; PossibleCause = Temporary");
    }
    SECTION("5861 keeps multi-line values with tabs verbatim") {
        auto e = event_of(wmi_record(
            5861, {"//./root/subscription", "F", "CommandLineEventConsumer=\"C\"",
                   "Binding EventFilter: \ninstance of __EventFilter\n{\n\tName = \"F\";\n};\n"}));
        REQUIRE(e);
        CHECK(*e->field("Message") ==
              "Namespace = //./root/subscription; Eventfilter = F (refer to its activate "
              "eventid:5859); Consumer = CommandLineEventConsumer=\"C\"; PossibleCause = Binding "
              "EventFilter: \ninstance of __EventFilter\n{\n\tName = \"F\";\n};\n");
    }
}

TEST_CASE("render_message substitutes in one pass and tolerates missing values") {
    SECTION("a value holding %2 is not substituted again") {
        CHECK(render_message("a=%1 b=%2", {"%2", "x"}) == "a=%2 b=x");
    }
    SECTION("a placeholder without a value becomes empty") {
        CHECK(render_message("a=%1; b=%2", {"only"}) == "a=only; b=");
    }
    SECTION("two-digit placeholders and %% escapes") {
        std::vector<std::string> v{"1", "2", "3", "4", "5", "6", "7", "8", "9", "ten"};
        CHECK(render_message("%10|%1|100%%|%", v) == "ten|1|100%|%");
    }
}

TEST_CASE("make_event names values as the XML names them; System/Computer under three names") {
    auto record = wmi_record(5860, {"ns", "q", "u", "1", "m", "Temporary"});
    record.names = {"NamespaceName", "Query",         "User",
                    "Processid",     "ClientMachine", "PossibleCause"};
    Event e = make_event(record);
    CHECK(e.record_id == 7);
    CHECK(e.time == 42);
    CHECK(*e.field("ComputerName") == "HOST-1");
    CHECK(*e.field("Computer") == "HOST-1");
    CHECK(*e.field("host") == "HOST-1");
    CHECK(*e.field("NamespaceName") == "ns");
    CHECK(*e.field("Query") == "q");
    CHECK(*e.field("PossibleCause") == "Temporary");
    CHECK(e.field("NoSuchField") == nullptr);
}

TEST_CASE("make_event reads Sysmon's fields by name, whatever their order") {
    // Sysmon schema versions differ in their fields and order (RuleName came later).
    RawRecord record;
    record.provider = "Microsoft-Windows-Sysmon";
    record.event_id = 20;
    record.computer = "IEWIN7";
    record.values = {"WmiConsumerEvent", "Created", " \"BotConsumer23\""};
    record.names = {"EventType", "Operation", "Name"};
    Event old_layout = make_event(record);
    record.values.insert(record.values.begin(), "-");
    record.names.insert(record.names.begin(), "RuleName");
    Event new_layout = make_event(record);
    for (const Event* e : {&old_layout, &new_layout}) {
        CHECK(*e->field("Operation") == "Created");
        CHECK(*e->field("Name") == " \"BotConsumer23\"");
        CHECK(e->field("Message") == nullptr); // no message table for Sysmon
    }
}

TEST_CASE("make_event leaves out values the XML does not name") {
    auto record = wmi_record(5857, {"a", "b"});
    record.names = {"ProviderName"};
    Event e = make_event(record);
    CHECK(*e.field("ProviderName") == "a");
    CHECK(e.fields.size() == 2); // ProviderName and Message
    CHECK(e.field("Message")->find("a provider started with result code b.") == 0);
}
