// Tuning rules: parsing, allowlist files, and which matched events they keep.
#include "wmihunt/tuning.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace wmihunt;
namespace fs = std::filesystem;

namespace {
std::string rule_error(const std::string& text) {
    try {
        parse_rule(text, false, "--exclude " + text);
    } catch (const TuningError& e) {
        return e.what();
    }
    return "";
}

// A 5860 or 5861 event as make_event makes it from the record's named UserData values.
Event wmi_event(uint32_t id, std::vector<std::string> values, std::string host = "HOST") {
    RawRecord record;
    record.record_id = 7;
    record.event_id = id;
    record.provider = "Microsoft-Windows-WMI-Activity";
    record.computer = std::move(host);
    record.values = std::move(values);
    if (id == 5860)
        record.names = {"NamespaceName", "Query",         "User",
                        "Processid",     "ClientMachine", "PossibleCause"};
    else
        record.names = {"Namespace", "ESS", "CONSUMER", "PossibleCause"};
    return make_event(record);
}
Event temporary_event(std::string query, std::string user = "NT AUTHORITY\\SYSTEM",
                      std::string host = "HOST") {
    return wmi_event(
        5860, {"ROOT\\CIMV2", std::move(query), std::move(user), "1016", host, "Temporary"}, host);
}
Event permanent_event(std::string consumer, std::string filter) {
    return wmi_event(5861, {"//./root/subscription", std::move(filter), std::move(consumer),
                            "Binding EventFilter: ..."});
}

bool keeps(const Tuning& tuning, const CompiledDetection& detection, const Event& event) {
    auto extracted = detection.match(event);
    REQUIRE(extracted);
    return tuning.keeps(detection, event, *extracted);
}

fs::path write_file(const std::string& name, const std::string& text) {
    fs::path path =
        fs::temp_directory_path() / ("wmihunt-tuning-" + std::to_string(::getpid()) + name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
}
} // namespace

TEST_CASE("parse_rule reads [DETECTION:]FIELD=REGEX") {
    TuningRule rule = parse_rule("query=Win32_Process", false, "x");
    CHECK(rule.detection.empty());
    CHECK(rule.field == "query");
    CHECK(rule.regex.pattern() == "Win32_Process");
    rule = parse_rule("permanent:consumer=a=b", true, "x");
    CHECK(rule.detection == "permanent");
    CHECK(rule.field == "consumer");
    CHECK(rule.regex.pattern() == "a=b"); // only the first '=' separates
    CHECK(rule.include);
}

TEST_CASE("parse_rule rejects unknown fields, listing the valid ones") {
    CHECK(rule_error("computer=x") ==
          "--exclude computer=x: unknown field 'computer' (choose from host, query, message, "
          "user, namespace, client_pid, client_machine, possible_cause, consumer, filter, "
          "destination, consumer_name, consumer_type, operation)");
    CHECK(rule_error("nothing") ==
          "--exclude nothing: expected [DETECTION:]FIELD=REGEX, such as query=Win32_Process");
    CHECK(rule_error("sysmon:host=x") ==
          "--exclude sysmon:host=x: unknown detection 'sysmon' (choose from temporary, permanent, "
          "sysmon-persistence, permanent-sysmon)");
    CHECK(rule_error("temporary:filter=x") ==
          "--exclude temporary:filter=x: detection temporary has no field 'filter'");
}

TEST_CASE("parse_rule shows where a regex fails") {
    // PCRE2 stops at offset 4, the end of the pattern, still inside the open group.
    CHECK(rule_error("host=(abc") ==
          "--exclude host=(abc: bad regex at offset 4 ((abc^ here): missing closing parenthesis");
}

TEST_CASE("an exclusion drops events whose field matches anywhere") {
    CompiledDetection temporary(*find_detection("temporary"), true);
    Tuning tuning;
    tuning.add(parse_rule("query=ProcessStartTrace", false, "x"));
    CHECK_FALSE(keeps(tuning, temporary, temporary_event("SELECT * FROM Win32_ProcessStartTrace")));
    CHECK(keeps(tuning, temporary, temporary_event("SELECT * FROM __InstanceCreationEvent")));
    SECTION("case-sensitive unless the regex says (?i)") {
        CHECK(keeps(tuning, temporary, temporary_event("select * from win32_processstarttrace")));
        Tuning caseless;
        caseless.add(parse_rule("query=(?i)processstarttrace", false, "x"));
        CHECK_FALSE(
            keeps(caseless, temporary, temporary_event("select * from win32_processstarttrace")));
    }
}

TEST_CASE("inclusions: any of one field's, all of different fields'") {
    CompiledDetection temporary(*find_detection("temporary"), true);
    Tuning tuning;
    tuning.add(parse_rule("host=^WS01$", true, "x"));
    tuning.add(parse_rule("host=^WS02$", true, "x"));
    tuning.add(parse_rule("user=SYSTEM", true, "x"));
    CHECK(keeps(tuning, temporary, temporary_event("q", "NT AUTHORITY\\SYSTEM", "WS01")));
    CHECK(keeps(tuning, temporary, temporary_event("q", "NT AUTHORITY\\SYSTEM", "WS02")));
    CHECK_FALSE(keeps(tuning, temporary, temporary_event("q", "NT AUTHORITY\\SYSTEM", "WS03")));
    CHECK_FALSE(keeps(tuning, temporary, temporary_event("q", "CORP\\alice", "WS01")));
    SECTION("an exclusion wins over an inclusion") {
        tuning.add(parse_rule("query=^q$", false, "x"));
        CHECK_FALSE(keeps(tuning, temporary, temporary_event("q", "NT AUTHORITY\\SYSTEM", "WS01")));
    }
}

TEST_CASE("rules apply only to detections that have their field, or that they name") {
    CompiledDetection temporary(*find_detection("temporary"), true);
    CompiledDetection permanent(*find_detection("permanent"), true);
    Event binding =
        permanent_event("ActiveScriptEventConsumer=\"KillProcess\"", "ProcessStartTrigger");
    Tuning tuning;
    tuning.add(parse_rule("filter=^Other$", true, "x")); // permanent only
    CHECK(keeps(tuning, temporary, temporary_event("q")));
    CHECK_FALSE(keeps(tuning, permanent, binding));
    Tuning scoped;
    scoped.add(parse_rule("temporary:host=HOST", false, "x"));
    CHECK_FALSE(keeps(scoped, temporary, temporary_event("q")));
    CHECK(keeps(scoped, permanent, binding));
    SECTION("the 5861 filter name and the consumer are fields") {
        Tuning byname;
        byname.add(parse_rule("filter=^ProcessStartTrigger$", false, "x"));
        CHECK_FALSE(keeps(byname, permanent, binding));
        Tuning byconsumer;
        byconsumer.add(parse_rule("consumer=KillProcess", false, "x"));
        CHECK_FALSE(keeps(byconsumer, permanent, binding));
    }
}

TEST_CASE("allowlist files: comments, blank lines, errors with file:line") {
    fs::path good = write_file("good", "\xEF\xBB\xBF# SCCM client\r\n\r\n"
                                       "  temporary:namespace=(?i)^root\\\\ccm  \r\n"
                                       "permanent:consumer=^BVTConsumer$\n");
    auto rules = load_allowlist(good);
    REQUIRE(rules.size() == 2);
    CHECK(rules[0].regex.pattern() == "(?i)^root\\\\ccm");
    CHECK(rules[0].origin == good.string() + ":3");
    CHECK_FALSE(rules[0].include);
    CHECK(rules[1].field == "consumer");

    fs::path bad = write_file("bad", "# ok\nhost=fine\nhostname=x\n");
    CHECK_THROWS_WITH(load_allowlist(bad), bad.string() +
                                               ":3: unknown field 'hostname' (choose from host, "
                                               "query, message, user, namespace, client_pid, "
                                               "client_machine, possible_cause, consumer, filter, "
                                               "destination, consumer_name, consumer_type, "
                                               "operation)");
    CHECK_THROWS_WITH(load_allowlist("/nonexistent/list"),
                      "/nonexistent/list: No such file or directory");
    // An endless device is refused before a byte is read, not read until memory runs out.
    CHECK_THROWS_WITH(load_allowlist("/dev/zero"), "/dev/zero: not a regular file");
    fs::remove(good);
    fs::remove(bad);
}

TEST_CASE("an allowlist larger than 16 MiB is refused; one of 16 MiB is read") {
    fs::path big = write_file("big", "");
    fs::resize_file(big, allowlist_max_bytes + 1); // sparse: NUL bytes, never read
    CHECK_THROWS_WITH(load_allowlist(big), big.string() + ": larger than 16 MiB, not an allowlist");
    // Exactly the bound: read (one comment line, one rule).
    std::ofstream(big, std::ios::trunc)
        << std::string(allowlist_max_bytes - 8, '#') << "\nhost=x\n";
    CHECK(fs::file_size(big) == allowlist_max_bytes);
    CHECK(load_allowlist(big).size() == 1);
    fs::remove(big);
}

TEST_CASE("field names are case-insensitive, and rules no detection can use are found") {
    TuningRule rule = parse_rule("Message=Binding", false, "x");
    CHECK(rule.field == "message");
    Tuning tuning;
    tuning.add(parse_rule("filter=x", true, "--include filter=x"));
    tuning.add(parse_rule("permanent:host=x", false, "--exclude permanent:host=x"));
    tuning.add(parse_rule("host=y", false, "--exclude host=y"));
    std::vector<const Detection*> temporary_only = {find_detection("temporary")};
    CHECK(tuning.unused_rules(temporary_only) == std::vector<std::string>{"--include filter=x"});
    std::vector<const Detection*> both = {find_detection("temporary"), find_detection("permanent")};
    CHECK(tuning.unused_rules(both).empty());
}
