// scenario.cpp: a scenario (hosts, time range, events, damage) read from JSON, and its output.
#include "scenario.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "event_source.hpp"
#include "file_writer.hpp"
#include "manifest.hpp"
#include "rng.hpp"
#include "truth.hpp"
#include "utf16.hpp"

namespace evtxgen {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& what) {
    throw std::invalid_argument(what);
}

std::string get_string(const json& j, const std::string& where) {
    if (!j.is_string())
        fail(fmt::format("{}: expected a string", where));
    auto s = j.get<std::string>();
    if (!is_valid_utf8(s))
        fail(fmt::format("{}: not valid UTF-8", where));
    return s;
}

std::uint64_t get_uint(const json& j, const std::string& where) {
    if (!j.is_number_integer() || j.get<std::int64_t>() < 0)
        fail(fmt::format("{}: expected a non-negative integer", where));
    return j.get<std::uint64_t>();
}

// A string value: a JSON string, or {"repeat": s, "times": n, "prefix": p, "suffix": q}, or
// {"binding": {filter_name, filter_query, consumer_class, consumer_name, consumer_body}}.
std::string string_value(const json& j, const std::string& where) {
    if (j.is_string())
        return get_string(j, where);
    if (j.is_object() && j.contains("repeat")) {
        const std::string unit = get_string(j["repeat"], where + ".repeat");
        const std::uint64_t times = get_uint(j.value("times", json(1)), where + ".times");
        std::string s = j.contains("prefix") ? get_string(j["prefix"], where + ".prefix") : "";
        for (std::uint64_t i = 0; i < times; ++i)
            s += unit;
        if (j.contains("suffix"))
            s += get_string(j["suffix"], where + ".suffix");
        return s;
    }
    if (j.is_object() && j.contains("binding")) {
        const json& b = j["binding"];
        auto f = [&](const char* k) { return get_string(b.at(k), where + ".binding." + k); };
        return binding_possible_cause(f("filter_name"), f("filter_query"), f("consumer_class"),
                                      f("consumer_name"), f("consumer_body"));
    }
    fail(fmt::format("{}: expected a string, {{\"repeat\":...}} or {{\"binding\":...}}", where));
}

Value field_value(const FieldSpec& f, const json& j, const std::string& where) {
    if (j.is_null())
        return Value::null();
    switch (f.type) {
    case ValueType::String:
        return Value::string(string_value(j, where));
    case ValueType::Sid:
    case ValueType::Guid:
        return {f.type, 0, get_string(j, where)};
    case ValueType::Binary: {
        const std::string hex = get_string(j, where);
        std::string bytes;
        if (hex.size() % 2 != 0)
            fail(fmt::format("{}: binary values are hex strings", where));
        for (std::size_t i = 0; i < hex.size(); i += 2)
            bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
        return {ValueType::Binary, 0, bytes};
    }
    case ValueType::Bool:
        if (!j.is_boolean())
            fail(fmt::format("{}: expected true or false", where));
        return Value::integer(ValueType::Bool, j.get<bool>() ? 1 : 0);
    default:
        return Value::integer(f.type, get_uint(j, where));
    }
}

// Random FILETIME in [start, end) whose sub-second part keeps 50 us away from a whole
// second, so parsers that convert through floating point agree on the second.
std::uint64_t random_time(Rng& rng, std::uint64_t start, std::uint64_t end) {
    std::uint64_t t = start + rng.below(end - start);
    const std::uint64_t frac = t % 10'000'000;
    if (frac < 500)
        t += 500;
    else if (frac >= 9'999'500)
        t -= 500;
    return t;
}

} // namespace

Scenario parse_scenario(const json& doc, std::string name) {
    static const char* known[] = {
        "description",       "seed",  "minor_version", "start",  "end",    "hosts", "files",
        "records_per_chunk", "flags", "header_only",   "damage", "counts", "events"};
    if (!doc.is_object())
        fail("scenario: expected a JSON object");
    for (const auto& [k, v] : doc.items())
        if (std::find(std::begin(known), std::end(known), k) == std::end(known))
            fail(fmt::format("scenario {}: unknown key '{}'", name, k));
    Scenario s;
    s.name = std::move(name);
    const std::string where = "scenario " + s.name;
    s.description = doc.contains("description") ? get_string(doc["description"], where) : "";
    s.seed = get_uint(doc.value("seed", json(1)), where + ".seed");
    s.minor_version =
        static_cast<std::uint16_t>(get_uint(doc.value("minor_version", json(2)), where));
    if (s.minor_version != 1 && s.minor_version != 2)
        fail(where + ".minor_version: must be 1 or 2");
    s.start = parse_iso_filetime(get_string(doc.at("start"), where + ".start"));
    s.end = parse_iso_filetime(get_string(doc.at("end"), where + ".end"));
    if (s.end <= s.start)
        fail(where + ": end must be after start");
    for (const auto& h : doc.at("hosts"))
        s.hosts.push_back(get_string(h, where + ".hosts"));
    if (s.hosts.empty())
        fail(where + ".hosts: at least one host");
    s.files = get_uint(doc.value("files", json(1)), where + ".files");
    s.records_per_chunk = get_uint(doc.value("records_per_chunk", json(0)), where);
    if (doc.contains("header_only")) {
        if (!doc["header_only"].is_boolean())
            fail(where + ".header_only: expected true or false");
        s.header_only = doc["header_only"].get<bool>();
    }
    if (doc.contains("flags")) {
        for (const auto& f : doc["flags"]) {
            const std::string flag = get_string(f, where + ".flags");
            if (flag == "dirty")
                s.flags |= kFlagDirty;
            else if (flag == "full")
                s.flags |= kFlagFull;
            else
                fail(fmt::format("{}.flags: unknown flag '{}'", where, flag));
        }
    }
    if (doc.contains("damage")) {
        for (const auto& d : doc["damage"]) {
            Damage dmg{parse_damage_kind(get_string(d.at("kind"), where + ".damage.kind"))};
            dmg.chunk = get_uint(d.value("chunk", json(0)), where + ".damage.chunk");
            dmg.record = get_uint(d.value("record", json(0)), where + ".damage.record");
            dmg.seed = s.seed;
            s.damage.push_back(dmg);
        }
        if (s.files != 1 && !s.damage.empty())
            fail(where + ": damage needs a single-file scenario");
    }
    if (doc.contains("counts")) {
        for (const auto& [kind, n] : doc["counts"].items()) {
            const EventSpec* spec = find_event_spec(kind);
            if (spec == nullptr)
                fail(fmt::format("{}.counts: unknown event kind '{}'", where, kind));
            s.counts.emplace_back(spec, get_uint(n, where + ".counts." + kind));
        }
    }
    if (doc.contains("events")) {
        std::size_t i = 0;
        for (const auto& e : doc["events"]) {
            const std::string w = fmt::format("{}.events[{}]", where, i++);
            ScenarioEvent ev;
            const std::string kind = get_string(e.at("kind"), w + ".kind");
            ev.spec = find_event_spec(kind);
            if (ev.spec == nullptr)
                fail(fmt::format("{}: unknown event kind '{}'", w, kind));
            if (e.contains("schema")) {
                const std::string schema = get_string(e["schema"], w + ".schema");
                ev.spec = find_event_spec(kind, schema);
                if (ev.spec == nullptr)
                    fail(fmt::format("{}.schema: {} has no Sysmon schema '{}' (4.90, 4.20, 4.00)",
                                     w, kind, schema));
            }
            if (e.contains("host"))
                ev.host = get_string(e["host"], w + ".host");
            if (e.contains("time"))
                ev.time = parse_iso_filetime(get_string(e["time"], w + ".time"));
            ev.count = get_uint(e.value("count", json(1)), w + ".count");
            if (e.contains("user_sid"))
                ev.user_sid = get_string(e["user_sid"], w + ".user_sid");
            if (e.contains("values")) {
                for (const auto& [field, v] : e["values"].items()) {
                    const int idx = field_index(*ev.spec, field);
                    if (idx < 0)
                        fail(fmt::format("{}.values: {} has no field '{}'", w, kind, field));
                    ev.overrides.emplace_back(
                        static_cast<std::size_t>(idx),
                        field_value(ev.spec->fields[static_cast<std::size_t>(idx)], v,
                                    w + ".values." + field));
                }
            }
            for (const auto& [k, v] : e.items())
                if (k != "kind" && k != "host" && k != "time" && k != "count" && k != "values" &&
                    k != "user_sid" && k != "schema")
                    fail(fmt::format("{}: unknown key '{}'", w, k));
            s.events.push_back(std::move(ev));
        }
    }
    return s;
}

Scenario load_scenario(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::invalid_argument(fmt::format("cannot read {}", path.string()));
    json doc;
    try {
        doc = json::parse(in);
    } catch (const json::exception& e) {
        throw std::invalid_argument(fmt::format("{}: {}", path.string(), e.what()));
    }
    return parse_scenario(doc, path.stem().string());
}

std::vector<Event> generate_events(const Scenario& s) {
    Rng rng(s.seed);
    std::vector<Event> events;
    for (const auto& [spec, n] : s.counts) {
        for (std::uint64_t i = 0; i < n; ++i) {
            Event e;
            const std::string& host = rng.pick(s.hosts);
            fill_default_event(*spec, host, random_time(rng, s.start, s.end), rng, e);
            events.push_back(std::move(e));
        }
    }
    for (const auto& se : s.events) {
        for (std::uint64_t i = 0; i < se.count; ++i) {
            Event e;
            const std::string host = se.host ? *se.host : rng.pick(s.hosts);
            const std::uint64_t t = se.time ? *se.time : random_time(rng, s.start, s.end);
            fill_default_event(*se.spec, host, t, rng, e);
            for (const auto& [idx, v] : se.overrides)
                e.values[idx] = v;
            if (se.user_sid)
                e.user_sid = *se.user_sid;
            events.push_back(std::move(e));
        }
    }
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        return a.time_created < b.time_created;
    });
    return events;
}

std::vector<std::filesystem::path>
write_scenario(const Scenario& s, const std::filesystem::path& out, const WriteOptions& options) {
    const std::vector<Event> events = generate_events(s);
    std::vector<std::filesystem::path> paths;
    TemplateRegistry templates;
    Truth truth;
    std::uint64_t next_id = 1;
    const std::size_t files = std::max<std::size_t>(s.files, 1);
    if (files > 1)
        std::filesystem::create_directories(out / s.name);
    for (std::size_t f = 0; f < files; ++f) {
        const std::size_t begin = events.size() * f / files;
        const std::size_t end = events.size() * (f + 1) / files;
        const auto path = files == 1 ? out / (s.name + ".evtx")
                                     : out / s.name / fmt::format("{}-{}.evtx", s.name, f + 1);
        MemorySink sink;
        FileOptions fo;
        fo.minor_version = s.minor_version;
        fo.flags = s.flags;
        fo.max_records_per_chunk = s.records_per_chunk;
        fo.header_only_when_empty = s.header_only;
        EvtxWriter writer(sink, templates, fo, next_id);
        std::string manifest;
        std::vector<std::size_t> chunk_of;
        for (std::size_t i = begin; i < end; ++i) {
            const std::uint64_t id = writer.write(events[i]);
            chunk_of.push_back(writer.current_chunk_index());
            if (options.manifest)
                manifest += manifest_line(events[i], id) + "\n";
        }
        writer.close();
        next_id = writer.next_record_id();
        for (const auto& d : s.damage)
            apply_damage(d, sink.bytes());
        for (std::size_t i = begin; i < end; ++i) {
            const bool lost = std::any_of(s.damage.begin(), s.damage.end(), [&](const Damage& d) {
                return damage_loses_chunk(d, chunk_of[i - begin]);
            });
            if (!lost)
                truth.add(events[i]);
        }
        std::ofstream o(path, std::ios::binary);
        o.write(reinterpret_cast<const char*>(sink.bytes().data()),
                static_cast<std::streamsize>(sink.bytes().size()));
        if (!o)
            throw std::runtime_error(fmt::format("cannot write {}", path.string()));
        if (options.manifest) {
            std::ofstream m(path.string() + ".manifest.jsonl", std::ios::binary);
            m << manifest;
        }
        paths.push_back(path);
    }
    truth.write_files(out, s.name);
    return paths;
}

} // namespace evtxgen
