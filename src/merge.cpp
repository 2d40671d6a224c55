// merge: JSON Lines rows of several runs back into the results of one run.
#include "wmihunt/merge.hpp"

#include "wmihunt/dedupe.hpp"
#include "wmihunt/platform.hpp"
#include "wmihunt/timefmt.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>

#ifndef WMIHUNT_VERSION
#define WMIHUNT_VERSION "0.0.0"
#endif

namespace wmihunt {

namespace {

using Json = nlohmann::json;

// Why one line is not a row that can be merged.
class BadRow : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

const Json& member(const Json& object, const char* name) {
    auto it = object.find(name);
    if (it == object.end())
        throw BadRow(fmt::format("no \"{}\"", name));
    return *it;
}

std::string text(const Json& object, const char* name) {
    const Json& value = member(object, name);
    if (!value.is_string())
        throw BadRow(fmt::format("\"{}\" is not a string", name));
    return value.get<std::string>();
}

std::optional<std::string> text_or_null(const Json& object, const char* name) {
    const Json& value = member(object, name);
    if (value.is_null())
        return std::nullopt;
    if (!value.is_string())
        throw BadRow(fmt::format("\"{}\" is neither a string nor null", name));
    return value.get<std::string>();
}

uint64_t number(const Json& object, const char* name) {
    const Json& value = member(object, name);
    if (!value.is_number_unsigned())
        throw BadRow(fmt::format("\"{}\" is not a count", name));
    return value.get<uint64_t>();
}

bool flag(const Json& object, const char* name) {
    const Json& value = member(object, name);
    if (!value.is_boolean())
        throw BadRow(fmt::format("\"{}\" is not true or false", name));
    return value.get<bool>();
}

int64_t instant(const Json& object, const char* name) {
    std::string value = text(object, name);
    try {
        return parse_time(value, TimeZone());
    } catch (const std::invalid_argument& error) {
        throw BadRow(fmt::format("\"{}\": {}", name, error.what()));
    }
}

std::optional<int64_t> instant_or_null(const Json& object, const char* name) {
    if (member(object, name).is_null())
        return std::nullopt;
    return instant(object, name);
}

RunInfo run_of(const Json& run) {
    RunInfo info;
    info.view = text(run, "view");
    if (info.view != "detections" && info.view != "events" && info.view != "subscriptions")
        throw BadRow(fmt::format("unknown view \"{}\"", info.view));
    const Json& names = member(run, "detections");
    if (!names.is_array())
        throw BadRow("\"detections\" is not a list");
    for (const Json& name : names) {
        if (!name.is_string() || find_detection(name.get<std::string>()) == nullptr)
            throw BadRow(fmt::format("unknown detection {}", name.dump()));
        info.detections.push_back(name.get<std::string>());
    }
    info.default_exclusions = flag(run, "default_exclusions");
    info.since = instant_or_null(run, "since");
    info.until = instant_or_null(run, "until");
    info.recover = flag(run, "recover");
    info.keep_duplicates = flag(run, "keep_duplicates");
    const Json& rules = member(run, "rules");
    if (!rules.is_array())
        throw BadRow("\"rules\" is not a list");
    for (const Json& rule : rules) {
        if (!rule.is_object())
            throw BadRow("a rule is not an object");
        info.rules.push_back({flag(rule, "include"), text(rule, "rule"), text(rule, "origin")});
    }
    return info;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        if (!out.empty())
            out += ',';
        out += name;
    }
    return out.empty() ? "none" : out;
}

std::string shown_instant(const std::optional<int64_t>& ticks) {
    return ticks ? format_iso_time(*ticks) : "none";
}

std::string shown_rules(const std::vector<RunInfo::Rule>& rules) {
    std::string out;
    for (const auto& rule : rules) {
        if (!out.empty())
            out += ' ';
        out += rule.include ? "--include " : "--exclude ";
        out += rule.text;
    }
    return out.empty() ? "none" : out;
}

// The first option in which two runs differ, with both values: "detections: a vs b".
std::string difference(const RunInfo& a, const RunInfo& b) {
    auto on_off = [](bool value) { return std::string(value ? "on" : "off"); };
    if (a.view != b.view)
        return fmt::format("view: {} vs {}", a.view, b.view);
    if (a.detections != b.detections)
        return fmt::format("detections: {} vs {}", joined(a.detections), joined(b.detections));
    if (a.default_exclusions != b.default_exclusions)
        return fmt::format("default exclusions: {} vs {}", on_off(a.default_exclusions),
                           on_off(b.default_exclusions));
    if (a.since != b.since)
        return fmt::format("--since: {} vs {}", shown_instant(a.since), shown_instant(b.since));
    if (a.until != b.until)
        return fmt::format("--until: {} vs {}", shown_instant(a.until), shown_instant(b.until));
    if (a.recover != b.recover)
        return fmt::format("--recover: {} vs {}", on_off(a.recover), on_off(b.recover));
    if (a.keep_duplicates != b.keep_duplicates)
        return fmt::format("--keep-duplicates: {} vs {}", on_off(a.keep_duplicates),
                           on_off(b.keep_duplicates));
    return fmt::format("tuning rules: {} vs {}", shown_rules(a.rules), shown_rules(b.rules));
}

uint32_t event_id(const Json& object) {
    uint64_t id = number(object, "event_id");
    if (id > UINT32_MAX)
        throw BadRow("\"event_id\" is out of range");
    return static_cast<uint32_t>(id);
}

Row detection_row(const Json& row, const Detection& detection) {
    const Json& exact = member(row, "exact");
    Row out;
    auto fields = detection.output_fields();
    auto columns = detection.columns();
    for (size_t i = 0; i < fields.size(); ++i)
        out.key.push_back(fields[i] == "_time" ? std::string() : text(row, columns[i].c_str()));
    out.first_time = instant(exact, "first");
    out.last_time = instant(exact, "last");
    out.count = detection.is_table() ? 1 : number(row, "count");
    return out;
}

EventRow event_row(const Json& row, const Detection& detection) {
    const Json& exact = member(row, "exact");
    EventRow out;
    out.detection = &detection;
    out.time = instant(exact, "time");
    out.host = text(row, "host");
    out.event_id = event_id(row);
    out.record_id = number(row, "record_id");
    out.value = text(row, "value");
    for (size_t i = 0; i < timeline_fields.size(); ++i)
        out.fields[i] = text_or_null(row, std::string(timeline_fields[i]).c_str());
    for (size_t i = 0; i < timeline_payload_fields.size(); ++i)
        out.payload[i] = text_or_null(row, std::string(timeline_payload_fields[i]).c_str());
    out.file = text(row, "file");
    out.log = text(exact, "log");
    out.sequence = number(exact, "sequence");
    return out;
}

Placed<Event> source_event(const Json& object, size_t file) {
    Placed<Event> out;
    out.file = file;
    out.sequence = number(object, "sequence");
    Event& event = out.value;
    event.provider = text(object, "provider");
    event.channel = text(object, "channel");
    event.host = text(object, "host");
    event.event_id = event_id(object);
    event.record_id = number(object, "record_id");
    event.time = instant(object, "time");
    event.recovered = flag(object, "recovered");
    const Json& fields = member(object, "fields");
    if (!fields.is_array())
        throw BadRow("\"fields\" is not a list");
    for (const Json& field : fields) {
        if (!field.is_array() || field.size() != 2 || !field[0].is_string() ||
            !field[1].is_string())
            throw BadRow("a field is not a [name, value] pair");
        event.fields.emplace_back(field[0].get<std::string>(), field[1].get<std::string>());
    }
    return out;
}

const Detection& detection_of(const Json& row, const RunInfo& run) {
    std::string name = text(row, "detection");
    if (std::find(run.detections.begin(), run.detections.end(), name) == run.detections.end())
        throw BadRow(fmt::format("detection {} is not one the run selected", name));
    return *find_detection(name);
}

// (file, sequence) to 0, 1, 2, ... in that order: places in the merged stream.
template <typename T> std::map<std::pair<size_t, uint64_t>, uint64_t> ranks(const T& placed) {
    std::map<std::pair<size_t, uint64_t>, uint64_t> rank;
    for (const auto& item : placed)
        rank.emplace(std::pair{item.file, item.sequence}, 0);
    uint64_t next = 0;
    for (auto& entry : rank)
        entry.second = next++;
    return rank;
}

} // namespace

MergeInput read_merge_input(const std::vector<std::filesystem::path>& files) {
    MergeInput input;
    std::optional<std::string> first_row; // "FILE:LINE" of the row that set input.run
    for (size_t f = 0; f < files.size(); ++f) {
        const auto& path = files[f];
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            input.problems.push_back(fmt::format("{}: is a directory", platform::utf8_of(path)));
            continue;
        }
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            input.problems.push_back(fmt::format(
                "{}: cannot be read: {}", platform::utf8_of(path),
                std::filesystem::exists(path, ec) ? "permission denied" : "no such file"));
            continue;
        }
        std::string line;
        size_t number_of_line = 0;
        while (std::getline(in, line)) {
            ++number_of_line;
            if (line.find_first_not_of(" \t\r") == std::string::npos)
                continue;
            std::string where = fmt::format("{}:{}", platform::utf8_of(path), number_of_line);
            try {
                Json row = Json::parse(line);
                if (!row.is_object())
                    throw BadRow("not a JSON object");
                if (row.find("run") == row.end())
                    throw BadRow("no \"run\": not a row of wmihunt -f jsonl (counts, --events "
                                 "or --subscriptions)");
                const Json& run = member(row, "run");
                if (!run.is_object())
                    throw BadRow("\"run\" is not an object");
                std::string version = text(run, "wmihunt");
                if (version != WMIHUNT_VERSION)
                    throw MergeError(fmt::format(
                        "{}: written by wmihunt {}, and this is wmihunt {}: merge the rows of "
                        "one version (run the same version over every input)",
                        where, version, WMIHUNT_VERSION));
                RunInfo info = run_of(run);
                if (!first_row) {
                    input.run = info;
                    first_row = where;
                } else if (!(info == input.run)) {
                    throw MergeError(fmt::format(
                        "{}: written by a run with other options than {} ({}): merge the "
                        "rows of runs with the same options",
                        where, *first_row, difference(input.run, info)));
                }
                if (info.view == "detections") {
                    const Detection& detection = detection_of(row, info);
                    input.detection_rows.emplace_back(&detection, detection_row(row, detection));
                } else if (info.view == "events") {
                    const Detection& detection = detection_of(row, info);
                    EventRow event = event_row(row, detection);
                    uint64_t sequence = event.sequence;
                    input.events.push_back({f, sequence, std::move(event)});
                } else {
                    const Json& events = member(member(row, "exact"), "events");
                    if (!events.is_array())
                        throw BadRow("\"events\" is not a list");
                    std::vector<Placed<Event>> read;
                    for (const Json& event : events)
                        read.push_back(source_event(event, f));
                    for (auto& event : read)
                        input.sources.push_back(std::move(event));
                }
                ++input.rows;
            } catch (const Json::exception&) {
                input.problems.push_back(where + ": not JSON");
            } catch (const BadRow& error) {
                input.problems.push_back(fmt::format("{}: {}", where, error.what()));
            }
        }
        if (in.bad())
            input.problems.push_back(fmt::format("{}: the read failed", platform::utf8_of(path)));
    }
    return input;
}

std::vector<DetectionRows> merge_detection_rows(const MergeInput& input,
                                                const std::vector<CompiledDetection>& detections) {
    DetectionResults results(detections);
    for (const auto& [detection, row] : input.detection_rows)
        for (size_t i = 0; i < detections.size(); ++i)
            if (&detections[i].detection() == detection)
                results.add_row(i, row);
    std::vector<DetectionRows> out;
    for (size_t i = 0; i < results.size(); ++i)
        out.push_back({&results.detection(i), results.rows(i)});
    return out;
}

std::vector<EventRow> merge_timeline(const MergeInput& input, bool keep_duplicates) {
    auto identity = [](const EventRow& row) {
        return EventIdentity{row.host, row.log, row.record_id, row.time};
    };
    // Where each event was first seen.
    std::map<EventIdentity, std::pair<size_t, uint64_t>> first;
    for (const auto& placed : input.events) {
        auto at = std::pair{placed.file, placed.sequence};
        auto [it, fresh] = first.try_emplace(identity(placed.value), at);
        if (!fresh && at < it->second)
            it->second = at;
    }
    std::vector<Placed<EventRow>> kept;
    for (const auto& placed : input.events)
        if (keep_duplicates ||
            first[identity(placed.value)] == std::pair{placed.file, placed.sequence})
            kept.push_back(placed);
    // Each event's place in the stream of one run over every input.
    auto rank = ranks(kept);
    std::vector<EventRow> rows;
    for (auto& placed : kept) {
        rows.push_back(std::move(placed.value));
        rows.back().sequence = rank[{placed.file, placed.sequence}];
    }
    sort_timeline(rows);
    return rows;
}

std::vector<Subscription> merge_subscriptions(const MergeInput& input, bool keep_duplicates,
                                              const Tuning& tuning, bool default_exclusions) {
    std::vector<const Placed<Event>*> order;
    for (const auto& placed : input.sources)
        order.push_back(&placed);
    std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
        return std::pair{a->file, a->sequence} < std::pair{b->file, b->sequence};
    });
    SubscriptionCorrelator correlator;
    EventDeduplicator seen;
    const std::filesystem::path no_file;
    const std::vector<DetectionMatch> no_matches;
    uint64_t sequence = 0;
    for (const auto* placed : order) {
        if (!keep_duplicates && !seen.first_sighting(identity_of(placed->value)))
            continue;
        correlator.consume(MatchedEvent{placed->value, no_file, no_matches, sequence++});
    }
    std::vector<Subscription> subscriptions = correlator.subscriptions();
    judge(subscriptions, tuning, default_exclusions);
    correlator.attach_sources(subscriptions);
    return subscriptions;
}

} // namespace wmihunt
