// scenario.hpp: a scenario (hosts, time range, events, damage) read from JSON, and its output.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "damage.hpp"
#include "event.hpp"

namespace evtxgen {

// An "events" entry: `count` events of one kind; fields not overridden get default values.
struct ScenarioEvent {
    const EventSpec* spec = nullptr;
    std::optional<std::string> host;   // default: a random scenario host
    std::optional<std::uint64_t> time; // default: random in [start, end)
    std::uint64_t count = 1;
    std::vector<std::pair<std::size_t, Value>> overrides; // field index -> value
    std::optional<std::string> user_sid;
};

struct Scenario {
    std::string name; // output file stem (the JSON file's stem)
    std::string description;
    std::uint64_t seed = 1;
    std::uint16_t minor_version = 2;
    std::uint64_t start = 0; // FILETIME
    std::uint64_t end = 0;   // FILETIME, exclusive
    std::vector<std::string> hosts;
    std::size_t files = 1;             // >1: the events split by time over a folder of files
    std::size_t records_per_chunk = 0; // 0: full chunks
    std::uint32_t flags = 0;           // file header flags (dirty/full)
    bool header_only = false;          // a log without events: header only, no empty chunk
    std::vector<Damage> damage;
    std::vector<std::pair<const EventSpec*, std::uint64_t>> counts; // default events per kind
    std::vector<ScenarioEvent> events;
};

// Parses a scenario document (format in tools/evtxgen/README.md). Throws std::invalid_argument
// with a message naming the offending key.
Scenario parse_scenario(const nlohmann::json& doc, std::string name);
Scenario load_scenario(const std::filesystem::path& path);

// The scenario's events, sorted by time (stable), before record ids are assigned.
std::vector<Event> generate_events(const Scenario& s);

struct WriteOptions {
    bool manifest = false; // also write <file>.manifest.jsonl beside each .evtx
};

// Writes the scenario's file(s) and truth files into `out`: <name>.evtx, or <name>/<name>-N.evtx
// when files > 1, plus <name>.{temporary,permanent}[.all].csv, <name>.sysmon-persistence.csv
// and <name>.permanent-sysmon.csv. Returns the .evtx paths.
std::vector<std::filesystem::path>
write_scenario(const Scenario& s, const std::filesystem::path& out, const WriteOptions& options);

} // namespace evtxgen
