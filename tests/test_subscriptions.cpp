// The subscription correlator and the verdicts, on events built as the logs write them
// (field names and value forms of the shared samples); expected values worked out by hand.
#include "wmihunt/subscriptions.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace wmihunt;

namespace {

const std::string wmi = "Microsoft-Windows-WMI-Activity";
const std::string sysmon = "Microsoft-Windows-Sysmon";

Event make(const std::string& provider, uint32_t id, int64_t time,
           std::vector<std::pair<std::string, std::string>> fields, std::string host = "H") {
    RawRecord record;
    record.provider = provider;
    record.event_id = id;
    record.time_created = time;
    record.computer = std::move(host);
    for (auto& [name, value] : fields) {
        record.names.push_back(name);
        record.values.push_back(value);
    }
    return make_event(record);
}

// A 5861 as Windows writes it: the filter's and the consumer's MOF text in PossibleCause.
// CreatorSID {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}: revision 1, one sub-authority,
// authority 5, sub-authority 18: S-1-5-18.
const std::string query_f1 = "SELECT * FROM __InstanceCreationEvent WITHIN 5 WHERE "
                             "TargetInstance ISA 'Win32_Process'";
const std::string mof_f1_c1 = "Binding EventFilter: \ninstance of __EventFilter\n{\n"
                              "\tCreatorSID = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};\n"
                              "\tEventNamespace = \"root\\\\cimv2\";\n\tName = \"F1\";\n"
                              "\tQuery = \"" +
                              query_f1 +
                              "\";\n\tQueryLanguage = \"WQL\";\n};\n"
                              "Perm. Consumer: \ninstance of CommandLineEventConsumer\n{\n"
                              "\tCommandLineTemplate = \"powershell.exe -nop -w hidden\";\n"
                              "\tName = \"C1\";\n};\n";

Event binding_5861(int64_t time, const std::string& cause = mof_f1_c1) {
    return make(wmi, 5861, time,
                {{"Namespace", "//./root/subscription"},
                 {"ESS", "F1"},
                 {"CONSUMER", "CommandLineEventConsumer=\"C1\""},
                 {"PossibleCause", cause}});
}

Event activation_5859(int64_t time, const std::string& query) {
    return make(wmi, 5859, time,
                {{"NamespaceName", "//./root/CIMV2"},
                 {"Query", query},
                 {"User", "S-1-5-18"},
                 {"Processid", "848"},
                 {"Provider", "WMI Kernel Trace Event Provider"},
                 {"queryid", "2"},
                 {"PossibleCause", "Permanent"}});
}

Event temporary_5860(int64_t time, const std::string& name_space, const std::string& user) {
    return make(wmi, 5860, time,
                {{"NamespaceName", name_space},
                 {"Query", "SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = "
                           "'wsmprovhost.exe'"},
                 {"User", user},
                 {"Processid", "1016"},
                 {"ClientMachine", "H"},
                 {"PossibleCause", "Temporary"}});
}

// Sysmon 19, 20 and 21 with their values quoted as Sysmon writes them.
Event filter_19(int64_t time, const std::string& operation) {
    return make(sysmon, 19, time,
                {{"RuleName", "-"},
                 {"EventType", "WmiFilterEvent"},
                 {"UtcTime", "2019-05-11 17:58:39.746"},
                 {"Operation", operation},
                 {"User", "DOM\\u"},
                 {"EventNamespace", " \"root\\\\cimv2\""},
                 {"Name", " \"F1\""},
                 {"Query", " \"" + query_f1 + "\""}});
}

Event consumer_20(int64_t time, const std::string& operation) {
    return make(sysmon, 20, time,
                {{"RuleName", "-"},
                 {"EventType", "WmiConsumerEvent"},
                 {"UtcTime", "2019-05-11 17:58:23.340"},
                 {"Operation", operation},
                 {"User", "DOM\\u"},
                 {"Name", " \"C1\""},
                 {"Type", "Command Line"},
                 {"Destination", " \"c:\\\\x.exe\""}});
}

Event binding_21(int64_t time, const std::string& operation) {
    return make(sysmon, 21, time,
                {{"RuleName", "-"},
                 {"EventType", "WmiBindingEvent"},
                 {"UtcTime", "2019-05-11 17:58:23.418"},
                 {"Operation", operation},
                 {"User", "DOM\\u"},
                 {"Consumer", " \"CommandLineEventConsumer.Name=\\\"C1\\\"\""},
                 {"Filter", " \"__EventFilter.Name=\\\"F1\\\"\""}});
}

std::vector<Subscription> correlate(const std::vector<Event>& events) {
    SubscriptionCorrelator correlator;
    std::filesystem::path file = "x.evtx";
    std::vector<DetectionMatch> none;
    for (const Event& event : events)
        correlator.consume(MatchedEvent{event, file, none});
    return correlator.subscriptions();
}

} // namespace

TEST_CASE("a 5861 and the 5859s of its filter's query are one permanent subscription") {
    auto subs =
        correlate({activation_5859(300, query_f1), binding_5861(100),
                   activation_5859(250, "SELECT * FROM Other"), activation_5859(200, query_f1)});
    REQUIRE(subs.size() == 2);
    const Subscription& s = subs[0];
    CHECK(s.host == "H");
    CHECK(s.kind == "permanent");
    CHECK(s.name_space == "root\\subscription");
    CHECK(s.filter == "F1");
    CHECK(s.query == query_f1);
    CHECK(s.query_namespace == "root\\cimv2");
    CHECK(s.consumer_type == "CommandLineEventConsumer");
    CHECK(s.consumer == "C1");
    CHECK(s.action == "powershell.exe -nop -w hidden");
    CHECK(s.creator_sid == "S-1-5-18");
    CHECK(s.user == "S-1-5-18");
    CHECK(s.first_seen == 100);
    CHECK(s.last_seen == 300);
    CHECK(s.state == "active");
    CHECK(s.evidence_text() == "5861:1 5859:2");
    CHECK(s.sightings == std::vector<SubscriptionSighting>{
                             {100, "5861", ""}, {200, "5859", ""}, {300, "5859", ""}});
    CHECK(s.notes.empty());
    // A 5859 whose query no known filter has is a row of its own.
    CHECK(subs[1].filter.empty());
    CHECK(subs[1].query == "SELECT * FROM Other");
    CHECK(subs[1].evidence_text() == "5859:1");
    CHECK(subs[1].first_seen == 250);
}

TEST_CASE("Sysmon 19, 20 and 21 of one subscription: its latest Operation is its state") {
    std::vector<Event> life = {consumer_20(10, "Created"), binding_21(11, "Created"),
                               filter_19(12, "Created"),   consumer_20(20, "Deleted"),
                               filter_19(21, "Deleted"),   binding_21(22, "Deleted")};
    auto subs = correlate(life);
    REQUIRE(subs.size() == 1);
    const Subscription& s = subs[0];
    CHECK(s.name_space.empty()); // Sysmon's paths here name no namespace
    CHECK(s.filter == "F1");
    CHECK(s.query == query_f1);
    CHECK(s.query_namespace == "root\\cimv2");
    CHECK(s.consumer_type == "CommandLineEventConsumer");
    CHECK(s.consumer == "C1");
    CHECK(s.action == "c:\\x.exe");
    CHECK(s.user == "DOM\\u");
    CHECK(s.first_seen == 10);
    CHECK(s.last_seen == 22);
    CHECK(s.state == "deleted");
    CHECK(s.evidence_text() == "sysmon19:2 sysmon20:2 sysmon21:2");
    // Every event, by time: what the report's chart draws.
    const std::vector<SubscriptionSighting> sightings = {
        {10, "sysmon20", "Created"}, {11, "sysmon21", "Created"}, {12, "sysmon19", "Created"},
        {20, "sysmon20", "Deleted"}, {21, "sysmon19", "Deleted"}, {22, "sysmon21", "Deleted"}};
    CHECK(s.sightings == sightings);

    SECTION("in any input order") {
        std::vector<Event> reversed(life.rbegin(), life.rend());
        auto again = correlate(reversed);
        REQUIRE(again.size() == 1);
        CHECK(again[0].state == "deleted");
        CHECK(again[0].evidence_text() == s.evidence_text());
        CHECK(again[0].sightings == sightings);
    }
    SECTION("a later 5861 of the same binding joins it, and makes it active again") {
        life.push_back(binding_5861(30));
        auto joined = correlate(life);
        REQUIRE(joined.size() == 1);
        CHECK(joined[0].name_space == "root\\subscription");
        CHECK(joined[0].evidence_text() == "5861:1 sysmon19:2 sysmon20:2 sysmon21:2");
        CHECK(joined[0].state == "active");
        // The latest event that tells the action is the 5861.
        CHECK(joined[0].action == "powershell.exe -nop -w hidden");
        CHECK(joined[0].creator_sid == "S-1-5-18");
    }
    SECTION("a modification after the last WMI-Activity event is the state") {
        auto modified = correlate({binding_5861(5), consumer_20(40, "Modified")});
        REQUIRE(modified.size() == 1);
        CHECK(modified[0].state == "modified");
    }
}

TEST_CASE("a filter or consumer never seen bound, and temporaries, are rows of their own") {
    auto subs = correlate({filter_19(12, "Created"), consumer_20(10, "Created"),
                           temporary_5860(50, "ROOT\\CIMV2", ""),
                           temporary_5860(60, "root\\cimv2", "NT AUTHORITY\\SYSTEM"),
                           temporary_5860(55, "ROOT\\CIMV2", "")});
    REQUIRE(subs.size() == 3);
    // Sorted by host, kind, first sighting.
    CHECK(subs[0].consumer == "C1");
    CHECK(subs[0].filter.empty());
    CHECK(subs[0].state == "created");
    CHECK(subs[1].filter == "F1");
    CHECK(subs[1].consumer.empty());
    CHECK(subs[1].evidence_text() == "sysmon19:1");
    const Subscription& t = subs[2];
    CHECK(t.kind == "temporary");
    CHECK(t.name_space == "root\\cimv2"); // as its latest event writes it
    CHECK(t.evidence_text() == "5860:3");
    CHECK(t.first_seen == 50);
    CHECK(t.last_seen == 60);
    CHECK(t.user == "NT AUTHORITY\\SYSTEM");
    CHECK(t.state == "active");
}

TEST_CASE("a cut MOF text keeps what it read and says so") {
    std::string cut = mof_f1_c1.substr(0, mof_f1_c1.find("powershell.exe -nop") + 10);
    auto payload = event_payload(binding_5861(1, cut));
    REQUIRE(payload);
    CHECK(payload->filter == "F1");
    CHECK(payload->creator_sid == "S-1-5-18");
    CHECK(payload->action == "powershell");
    CHECK(payload->problem.find("not read whole") != std::string::npos);
    auto subs = correlate({binding_5861(1, cut)});
    REQUIRE(subs.size() == 1);
    CHECK(subs[0].notes.rfind("5861: its MOF text was not read whole: ", 0) == 0);
    CHECK_FALSE(event_payload(temporary_5860(1, "x", "")));
}

TEST_CASE("verdicts: exclusion rules and default exclusions are known-benign, indicators "
          "suspicious, anything else unknown") {
    auto subs = correlate({binding_5861(100), temporary_5860(50, "ROOT\\CIMV2", ""),
                           activation_5859(250, "SELECT * FROM Other")});
    REQUIRE(subs.size() == 3);
    REQUIRE(subs[0].consumer == "C1");
    REQUIRE(subs[1].query == "SELECT * FROM Other");
    REQUIRE(subs[2].kind == "temporary");
    SECTION("no rules") {
        judge(subs, Tuning{}, true);
        REQUIRE(subs.size() == 3);
        CHECK(subs[0].verdict == "suspicious");
        CHECK(subs[0].indicators ==
              std::vector<std::string>{"shell-or-script-host", "powershell-evasion"});
        CHECK(subs[0].allowlist_rule.empty());
        CHECK(subs[1].verdict == "unknown");
        CHECK(subs[1].indicators.empty());
        CHECK(subs[2].verdict == "known-benign");
        CHECK(subs[2].allowlist_rule ==
              "Splunk default exclusion of temporary: query!=\"SELECT * FROM "
              "Win32_ProcessStartTrace WHERE ProcessName = 'wsmprovhost.exe'\"");
    }
    SECTION("without the default exclusions") {
        judge(subs, Tuning{}, false);
        CHECK(subs[2].verdict == "unknown");
        CHECK(subs[2].allowlist_rule.empty());
    }
    SECTION("an allowlist rule on the consumer as 5861 writes it") {
        Tuning tuning;
        tuning.add(parse_rule("permanent:consumer=^CommandLineEventConsumer=\"C1\"$", false,
                              "list.allowlist:3"));
        judge(subs, tuning, true);
        CHECK(subs[0].verdict == "known-benign");
        CHECK(subs[0].allowlist_rule == "list.allowlist:3");
        CHECK(subs[0].indicators.size() == 2); // still shown
        CHECK(subs[1].verdict == "unknown");
    }
    SECTION("a rule scoped to temporary leaves permanent ones alone") {
        Tuning tuning;
        tuning.add(parse_rule("temporary:host=^H$", false, "--exclude"));
        judge(subs, tuning, false);
        CHECK(subs[0].verdict == "suspicious");
        CHECK(subs[1].verdict == "unknown");
        CHECK(subs[2].verdict == "known-benign");
        CHECK(subs[2].allowlist_rule == "--exclude");
    }
    SECTION("--include keeps only the subscriptions it matches") {
        Tuning tuning;
        tuning.add(parse_rule("filter=^F1$", true, "--include"));
        judge(subs, tuning, true);
        // The 5859-only row has an empty filter; a temporary one has no filter field,
        // so the rule does not apply to it.
        REQUIRE(subs.size() == 2);
        CHECK(subs[0].filter == "F1");
        CHECK(subs[1].kind == "temporary");
        Tuning other;
        other.add(parse_rule("host=^OTHER$", true, "--include"));
        judge(subs, other, true);
        CHECK(subs.empty());
    }
}
