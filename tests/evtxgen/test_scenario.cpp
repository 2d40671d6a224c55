// test_scenario.cpp: scenario parsing, deterministic events and the files they become.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "binxml.hpp"
#include "scenario.hpp"

using namespace evtxgen;
using nlohmann::json;

namespace {

json base() {
    return json::parse(R"({"seed": 3, "start": "2024-01-01T00:00:00Z",
        "end": "2024-01-02T00:00:00Z", "hosts": ["H1", "H2"],
        "counts": {"wmi5857": 20, "wmi5860": 5},
        "events": [{"kind": "wmi5860", "host": "H1", "count": 2,
                    "values": {"Query": "SELECT 1", "Processid": 7}}]})");
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

TEST_CASE("scenario parsing", "[scenario]") {
    SECTION("a valid document") {
        const Scenario s = parse_scenario(base(), "x");
        CHECK(s.hosts.size() == 2);
        CHECK(s.counts.size() == 2);
        REQUIRE(s.events.size() == 1);
        CHECK(s.events[0].overrides.size() == 2);
    }
    SECTION("mistakes are named") {
        json j = base();
        j["colour"] = 1;
        CHECK_THROWS_WITH(parse_scenario(j, "x"), Catch::Contains("unknown key 'colour'"));
        j = base();
        j["events"][0]["values"]["Nope"] = "";
        CHECK_THROWS_WITH(parse_scenario(j, "x"), Catch::Contains("no field 'Nope'"));
        j = base();
        j["counts"]["wmi9999"] = 1;
        CHECK_THROWS_WITH(parse_scenario(j, "x"), Catch::Contains("unknown event kind"));
        j = base();
        j["end"] = "2023-01-01T00:00:00Z";
        CHECK_THROWS_AS(parse_scenario(j, "x"), std::invalid_argument);
    }
}

TEST_CASE("scenario events", "[scenario]") {
    const Scenario s = parse_scenario(base(), "x");
    const auto a = generate_events(s);
    REQUIRE(a.size() == 27);
    SECTION("sorted by time, within range, away from whole seconds") {
        for (std::size_t i = 0; i < a.size(); ++i) {
            CHECK(a[i].time_created >= s.start);
            CHECK(a[i].time_created < s.end);
            const auto frac = a[i].time_created % 10'000'000;
            CHECK(frac >= 500);
            CHECK(frac < 9'999'500);
            if (i > 0)
                CHECK(a[i - 1].time_created <= a[i].time_created);
        }
    }
    SECTION("the same seed gives the same events, another seed others") {
        const auto b = generate_events(s);
        for (std::size_t i = 0; i < a.size(); ++i) {
            CHECK(a[i].time_created == b[i].time_created);
            CHECK(a[i].computer == b[i].computer);
        }
        Scenario t = s;
        t.seed = 4;
        const auto c = generate_events(t);
        bool differs = false;
        for (std::size_t i = 0; i < a.size(); ++i)
            differs = differs || a[i].time_created != c[i].time_created;
        CHECK(differs);
    }
    SECTION("overrides replace the default values") {
        std::size_t n = 0;
        for (const auto& e : a) {
            if (e.values.size() > 3 && e.values[1].text == "SELECT 1") {
                CHECK(e.computer == "H1");
                CHECK(e.values[3].number == 7);
                ++n;
            }
        }
        CHECK(n == 2);
    }
}

TEST_CASE("scenario output", "[scenario]") {
    const auto dir = std::filesystem::temp_directory_path() / "evtxgen_test_scenario";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    json j = base();
    j["files"] = 3;
    const Scenario s = parse_scenario(j, "split");
    const auto paths = write_scenario(s, dir, {true});
    REQUIRE(paths.size() == 3);
    CHECK(paths[0] == dir / "split" / "split-1.evtx");
    SECTION("record ids continue across files; truth files cover the folder") {
        std::uint64_t expected_next = 1;
        for (const auto& p : paths) {
            const std::string f = slurp(p);
            const auto* b = reinterpret_cast<const std::uint8_t*>(f.data());
            CHECK(load_u64(b + 4096 + 8) == expected_next); // first record of first chunk
            expected_next = load_u64(b + 24);               // header: next record id
        }
        CHECK(expected_next == 28);
        CHECK(slurp(dir / "split.temporary.all.csv").find("H1,SELECT 1,2,") != std::string::npos);
        CHECK(std::filesystem::exists(dir / "split.permanent.csv"));
        CHECK(std::filesystem::exists(dir / "split" / "split-2.evtx.manifest.jsonl"));
    }
    SECTION("writing again gives identical bytes") {
        const std::string first = slurp(paths[1]);
        write_scenario(s, dir, {false});
        CHECK(slurp(paths[1]) == first);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("Sysmon schema layouts", "[scenario]") {
    SECTION("WMI events: RuleName first from schema 4.20 on, absent in 4.00") {
        const EventSpec& old_20 = *find_event_spec("sysmon20", "4.00");
        const EventSpec& new_20 = *find_event_spec("sysmon20", "4.90");
        CHECK(old_20.fields.size() == 7);
        CHECK(old_20.fields[0].name == "EventType");
        CHECK(new_20.fields.size() == 8);
        CHECK(new_20.fields[0].name == "RuleName");
        CHECK(field_index(*find_event_spec("sysmon21", "4.20"), "Filter") == 6);
        CHECK(find_event_spec("sysmon20") == &new_20); // the newest schema is the default
        CHECK(find_event_spec("sysmon20", "9.99") == nullptr);
        for (auto kind : {"sysmon19", "sysmon20", "sysmon21"}) {
            CHECK(find_event_spec(kind, "4.00")->version == 3);
            CHECK(find_event_spec(kind, "4.00")->task == find_event_spec(kind, "4.00")->event_id);
        }
    }
    SECTION("noise events: fields added by later schemas, typed values") {
        CHECK(find_event_spec("sysmon1", "4.00")->fields.size() == 20);
        CHECK(find_event_spec("sysmon1", "4.20")->fields.size() == 21);
        const EventSpec& p = *find_event_spec("sysmon1", "4.90");
        CHECK(p.fields.size() == 23);
        CHECK(p.fields.back().name == "ParentUser");
        const EventSpec& n = *find_event_spec("sysmon3", "4.90");
        CHECK(n.fields[static_cast<std::size_t>(field_index(n, "DestinationPort"))].type ==
              ValueType::UInt16);
        CHECK(n.fields[static_cast<std::size_t>(field_index(n, "Initiated"))].type ==
              ValueType::Bool);
        CHECK(field_index(*find_event_spec("sysmon11", "4.20"), "User") < 0);
        CHECK(field_index(*find_event_spec("sysmon11", "4.90"), "User") == 7);
    }
    SECTION("each schema has its own data template") {
        TemplateRegistry templates;
        CHECK(templates.data_template(*find_event_spec("sysmon20", "4.00")).guid !=
              templates.data_template(*find_event_spec("sysmon20", "4.20")).guid);
    }
    SECTION("a scenario event names its schema; values follow that layout") {
        json j = base();
        j["events"] = json::parse(R"([{"kind": "sysmon3", "schema": "4.00", "host": "H1",
            "values": {"DestinationPort": 21, "Initiated": false}}])");
        const auto events = generate_events(parse_scenario(j, "x"));
        const auto it = std::find_if(events.begin(), events.end(),
                                     [](const Event& ev) { return ev.spec->provider == &kSysmon; });
        REQUIRE(it != events.end());
        const Event& e = *it;
        REQUIRE(e.spec == find_event_spec("sysmon3", "4.00"));
        CHECK(value_text(
                  e.values[static_cast<std::size_t>(field_index(*e.spec, "DestinationPort"))]) ==
              "21");
        CHECK(value_text(e.values[static_cast<std::size_t>(field_index(*e.spec, "Initiated"))]) ==
              "false");
        j["events"][0]["schema"] = "4.10";
        CHECK_THROWS_WITH(parse_scenario(j, "x"), Catch::Contains("no Sysmon schema '4.10'"));
        j["events"][0]["schema"] = "4.00";
        j["events"][0]["values"] = json::parse(R"({"RuleName": "x"})");
        CHECK_THROWS_WITH(parse_scenario(j, "x"), Catch::Contains("no field 'RuleName'"));
        j["events"][0]["values"] = json::parse(R"({"Initiated": 1})");
        CHECK_THROWS_WITH(parse_scenario(j, "x"), Catch::Contains("expected true or false"));
    }
}
