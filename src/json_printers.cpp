// json_printers: JSON and JSON Lines output through nlohmann-json.
#include "wmihunt/printers.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#ifndef WMIHUNT_VERSION
#define WMIHUNT_VERSION "0.0.0"
#endif

namespace wmihunt {

namespace {

using Json = nlohmann::ordered_json;

// Log values may hold invalid UTF-8 (from invalid UTF-16 in the file): each invalid byte
// becomes U+FFFD instead of failing, so the output is always valid JSON and UTF-8.
void dump(std::ostream& out, const Json& json, int indent) {
    out << json.dump(indent, ' ', false, Json::error_handler_t::replace) << "\n";
}

Json row_object(const Detection& detection, const Row& row, const PrintOptions& options) {
    Json object;
    auto columns = detection.columns();
    auto cells = row_cells(detection, row, options);
    for (size_t i = 0; i < columns.size() && i < cells.size(); ++i)
        object[columns[i]] = cells[i];
    if (!detection.is_table())
        object["count"] = row.count;
    return object;
}

Json event_object(const EventRow& row, const PrintOptions& options) {
    Json object;
    object["time"] = format_time(row.time, options.time_style, options.zone);
    object["detection"] = row.detection->name;
    object["host"] = row.host;
    object["event_id"] = row.event_id;
    object["record_id"] = row.record_id;
    object["field"] = row.detection->finding;
    object["value"] = row.value;
    for (size_t i = 0; i < timeline_fields.size(); ++i)
        object[std::string(timeline_fields[i])] =
            row.fields[i] ? Json(*row.fields[i]) : Json(nullptr);
    for (size_t i = 0; i < timeline_payload_fields.size(); ++i)
        object[std::string(timeline_payload_fields[i])] =
            row.payload[i] ? Json(*row.payload[i]) : Json(nullptr);
    object["file"] = row.file;
    return object;
}

Json run_object(const RunInfo& run) {
    Json object;
    object["wmihunt"] = WMIHUNT_VERSION;
    object["view"] = run.view;
    object["detections"] = run.detections;
    object["default_exclusions"] = run.default_exclusions;
    object["since"] = run.since ? Json(format_iso_time(*run.since)) : Json(nullptr);
    object["until"] = run.until ? Json(format_iso_time(*run.until)) : Json(nullptr);
    object["recover"] = run.recover;
    object["keep_duplicates"] = run.keep_duplicates;
    Json rules = Json::array();
    for (const auto& rule : run.rules)
        rules.push_back(
            Json{{"include", rule.include}, {"rule", rule.text}, {"origin", rule.origin}});
    object["rules"] = std::move(rules);
    return object;
}

Json stream_event_object(const StreamEvent& read) {
    const Event& event = read.event;
    Json object;
    object["sequence"] = read.sequence;
    object["provider"] = event.provider;
    object["channel"] = event.channel;
    object["host"] = event.host;
    object["event_id"] = event.event_id;
    object["record_id"] = event.record_id;
    object["time"] = format_iso_time(event.time);
    object["recovered"] = event.recovered;
    Json fields = Json::array();
    for (const auto& [name, value] : event.fields)
        fields.push_back(Json::array({name, value}));
    object["fields"] = std::move(fields);
    return object;
}

// "run" and "exact" for the JSON Lines rows of one output when the options carry a
// RunInfo: the run object is made once and copied into each row.
class Provenance {
  public:
    explicit Provenance(const PrintOptions& options) {
        if (options.run)
            m_run = run_object(*options.run);
    }
    bool wanted() const { return !m_run.is_null(); }
    void add(Json& object, Json exact) const {
        if (!wanted())
            return;
        object["run"] = m_run;
        object["exact"] = std::move(exact);
    }

  private:
    Json m_run;
};

Json document_head(const PrintOptions& options) {
    Json document;
    document["wmihunt"] = WMIHUNT_VERSION;
    document["time_zone"] = options.zone.name();
    return document;
}

} // namespace

void write_json(std::ostream& out, const std::vector<DetectionRows>& results,
                const PrintOptions& options) {
    Json document = document_head(options);
    Json list = Json::array();
    for (const auto& result : results) {
        const Detection& d = *result.detection;
        Json entry;
        entry["detection"] = d.name;
        entry["title"] = d.title;
        entry["splunk_id"] = d.splunk_id;
        entry["mitre"] = d.mitre;
        entry["risk_score"] = d.risk_score;
        Json rows = Json::array();
        for (const auto& row : result.rows)
            rows.push_back(row_object(d, row, options));
        entry["rows"] = std::move(rows);
        list.push_back(std::move(entry));
    }
    document["detections"] = std::move(list);
    dump(out, document, 2);
}

void write_jsonl(std::ostream& out, const std::vector<DetectionRows>& results,
                 const PrintOptions& options) {
    Provenance provenance(options);
    for (const auto& result : results)
        for (const auto& row : result.rows) {
            Json object;
            object["detection"] = result.detection->name;
            object.update(row_object(*result.detection, row, options));
            provenance.add(object, Json{{"first", format_iso_time(row.first_time)},
                                        {"last", format_iso_time(row.last_time)}});
            dump(out, object, -1);
        }
}

void write_timeline_json(std::ostream& out, const std::vector<EventRow>& rows,
                         const PrintOptions& options) {
    Json document = document_head(options);
    Json events = Json::array();
    for (const auto& row : rows)
        events.push_back(event_object(row, options));
    document["events"] = std::move(events);
    dump(out, document, 2);
}

void write_timeline_jsonl(std::ostream& out, const std::vector<EventRow>& rows,
                          const PrintOptions& options) {
    Provenance provenance(options);
    for (const auto& row : rows) {
        Json object = event_object(row, options);
        provenance.add(object, Json{{"time", format_iso_time(row.time)},
                                    {"log", row.log},
                                    {"sequence", row.sequence}});
        dump(out, object, -1);
    }
}

namespace {

Json coverage_object(const CoverageRow& row, const PrintOptions& options) {
    Json object;
    bool known = row.first_time <= row.last_time;
    object["host"] = row.host;
    object["source"] = row.source;
    object["files"] = row.files;
    object["records"] = row.records;
    object["first"] =
        known ? Json(format_time(row.first_time, options.time_style, options.zone)) : Json(nullptr);
    object["last"] =
        known ? Json(format_time(row.last_time, options.time_style, options.zone)) : Json(nullptr);
    return object;
}

} // namespace

void write_coverage_json(std::ostream& out, const std::vector<CoverageRow>& rows,
                         const PrintOptions& options) {
    Json document = document_head(options);
    Json list = Json::array();
    for (const auto& row : rows)
        list.push_back(coverage_object(row, options));
    document["coverage"] = std::move(list);
    dump(out, document, 2);
}

void write_coverage_jsonl(std::ostream& out, const std::vector<CoverageRow>& rows,
                          const PrintOptions& options) {
    for (const auto& row : rows)
        dump(out, coverage_object(row, options), -1);
}

} // namespace wmihunt

namespace wmihunt {

namespace {

Json subscription_object(const Subscription& s, const PrintOptions& options) {
    auto text = [](const std::string& value) {
        return value.empty() ? Json(nullptr) : Json(value);
    };
    Json object;
    object["host"] = s.host;
    object["kind"] = s.kind;
    object["namespace"] = text(s.name_space);
    object["filter"] = text(s.filter);
    object["query"] = text(s.query);
    object["query_namespace"] = text(s.query_namespace);
    object["consumer_type"] = text(s.consumer_type);
    object["consumer"] = text(s.consumer);
    object["action"] = text(s.action);
    object["scripting_engine"] = text(s.scripting_engine);
    object["creator_sid"] = text(s.creator_sid);
    object["user"] = text(s.user);
    object["first_seen"] = format_time(s.first_seen, options.time_style, options.zone);
    object["last_seen"] = format_time(s.last_seen, options.time_style, options.zone);
    object["state"] = s.state;
    Json evidence = Json::object();
    for (const auto& [source, count] : s.evidence)
        evidence[source] = count;
    object["evidence"] = std::move(evidence);
    object["verdict"] = s.verdict;
    object["indicators"] = s.indicators;
    object["allowlist_rule"] = text(s.allowlist_rule);
    object["mitre"] = subscription_mitre;
    object["notes"] = text(s.notes);
    return object;
}

} // namespace

void write_subscriptions_json(std::ostream& out, const std::vector<Subscription>& rows,
                              const PrintOptions& options) {
    Json document = document_head(options);
    Json list = Json::array();
    for (const auto& row : rows)
        list.push_back(subscription_object(row, options));
    document["subscriptions"] = std::move(list);
    dump(out, document, 2);
}

void write_subscriptions_jsonl(std::ostream& out, const std::vector<Subscription>& rows,
                               const PrintOptions& options) {
    Provenance provenance(options);
    for (const auto& row : rows) {
        Json object = subscription_object(row, options);
        if (provenance.wanted()) {
            Json events = Json::array();
            for (const auto& read : row.sources)
                events.push_back(stream_event_object(read));
            provenance.add(object, Json{{"events", std::move(events)}});
        }
        dump(out, object, -1);
    }
}

namespace {

// Timesketch's time fields for `ticks` (100 ns since the Unix epoch, UTC): "datetime" with
// microseconds (truncated) and the offset, "timestamp" in microseconds.
void add_timesketch_time(Json& object, int64_t ticks, std::string_view description) {
    std::string iso = format_iso_time(ticks); // 2023-10-18T02:45:44.3067909Z
    object["datetime"] = iso.substr(0, iso.size() - 2) + "+00:00";
    int64_t micros = ticks / 10 - (ticks % 10 < 0 ? 1 : 0);
    object["timestamp"] = micros;
    object["timestamp_desc"] = description;
}

// Copies the fields of `row` that have a value, after the Timesketch fields.
void add_fields(Json& object, const Json& row) {
    for (const auto& [key, value] : row.items())
        if (!value.is_null() && object.find(key) == object.end())
            object[key] = value;
}

} // namespace

void write_timeline_timesketch(std::ostream& out, const std::vector<EventRow>& rows,
                               const PrintOptions& options) {
    for (const auto& row : rows) {
        Json object;
        object["message"] = fmt::format("{} {}: {} {} on {}", row.detection->name, row.event_id,
                                        row.detection->finding, row.value, row.host);
        add_timesketch_time(object, row.time, "Time Created");
        Json fields = event_object(row, options);
        fields.erase("time");
        fields["mitre"] = row.detection->mitre;
        add_fields(object, fields);
        dump(out, object, -1);
    }
}

void write_subscriptions_timesketch(std::ostream& out, const std::vector<Subscription>& rows,
                                    const PrintOptions& options) {
    for (const auto& s : rows) {
        std::string what =
            s.kind == "temporary"
                ? "query " + s.query
                : fmt::format("filter {} to consumer {}{}{}", s.filter, s.consumer_type,
                              s.consumer_type.empty() ? "" : " ", s.consumer);
        Json fields = subscription_object(s, options);
        fields["evidence"] = s.evidence_text();
        fields["indicators"] = s.indicators.empty() ? Json(nullptr) : Json(s.indicators_text());
        auto line = [&](int64_t ticks, std::string_view description) {
            Json object;
            object["message"] =
                fmt::format("WMI {} subscription on {}, {}: {}", s.kind, s.host, s.verdict, what);
            add_timesketch_time(object, ticks, description);
            add_fields(object, fields);
            dump(out, object, -1);
        };
        line(s.first_seen, "First Seen");
        if (s.last_seen > s.first_seen)
            line(s.last_seen, "Last Seen");
    }
}

} // namespace wmihunt
