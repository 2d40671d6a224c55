// report: the case as one self-contained HTML file, rendered from a mustache template.
#include "wmihunt/report.hpp"

#include "wmihunt/escape.hpp"
#include "wmihunt/platform.hpp"
#include "wmihunt/report_template.hpp"
#include "wmihunt/timefmt.hpp"

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace wmihunt {

namespace {

namespace mu = kainjow::mustache;

// The chart's frame, in SVG user units (the chart is scaled to the page's width).
constexpr double chart_width = 1000;
constexpr double chart_left = 250;  // lane labels end here, the time axis starts
constexpr double chart_right = 985; // the time axis ends here
constexpr double cover_height = 14;
constexpr double lane_height = 26;
constexpr double mark_size = 9;                   // a mark's width and height
constexpr int64_t min_chart_span = 6'000'000'000; // ten minutes, in 100 ns ticks

std::string number(uint64_t n) {
    return std::to_string(n);
}

std::string coord(double x) {
    return fmt::format("{:.1f}", x);
}

std::string words(uint64_t n, std::string_view one, std::string_view many) {
    return std::string(n == 1 ? one : many);
}

// The first `limit` characters of `text` (UTF-8), and "…" when it is longer.
std::string shortened(std::string_view text, size_t limit) {
    size_t characters = 0;
    for (size_t pos = 0; pos < text.size(); ++pos) {
        if ((static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80)
            continue; // a continuation byte
        if (characters++ == limit)
            return std::string(text.substr(0, pos)) + "…";
    }
    return std::string(text);
}

std::string first_line(std::string_view text) {
    auto end = text.find_first_of("\r\n");
    return std::string(text.substr(0, end));
}

class Builder {
  public:
    Builder(const ReportCase& report, const PrintOptions& options)
        : m_report(report), m_options(options) {}

    mu::data build() const {
        mu::data page;
        page.set("version", m_report.version);
        page.set("generated", time(m_report.generated));
        page.set("zone", m_options.zone.name());
        add_summary(page);
        add_run(page);
        add_inputs(page);
        add_coverage(page);
        add_detections(page);
        add_hosts(page);
        return page;
    }

  private:
    std::string time(int64_t ticks) const {
        return format_time(ticks, m_options.time_style, m_options.zone);
    }

    // Every host the coverage or a subscription names, sorted.
    std::vector<std::string> hosts() const {
        std::set<std::string> names;
        for (const auto& row : m_report.coverage)
            names.insert(row.host);
        for (const auto& s : m_report.subscriptions)
            names.insert(s.host);
        return {names.begin(), names.end()};
    }

    void add_summary(mu::data& page) const {
        auto host_count = hosts().size();
        page.set("hosts_count", number(host_count));
        page.set("hosts_word", words(host_count, "host", "hosts"));
        page.set("subscriptions_count", number(m_report.subscriptions.size()));
        page.set("subscriptions_word",
                 words(m_report.subscriptions.size(), "subscription", "subscriptions"));
        uint64_t read = 0;
        uint64_t failed = 0;
        uint64_t damaged = 0;
        for (const auto& file : m_report.files) {
            if (!file.error.empty())
                ++failed;
            else if (file.duplicate_of.empty())
                ++read;
            if (file.error.empty() && file.stats.damaged())
                ++damaged;
        }
        for (const auto& problem : m_report.problems)
            if (problem.severity == InputProblem::Severity::error)
                ++failed;
        page.set("files_read", number(read));
        page.set("files_failed", number(failed));
        page.set("files_failed_any", failed > 0);
        page.set("files_damaged", number(damaged));
        page.set("files_damaged_any", damaged > 0);
        std::map<std::string, uint64_t> verdicts;
        for (const auto& s : m_report.subscriptions)
            ++verdicts[s.verdict];
        page.set("suspicious", number(verdicts["suspicious"]));
        page.set("suspicious_any", verdicts["suspicious"] > 0);
        page.set("unknown", number(verdicts["unknown"]));
        page.set("unknown_any", verdicts["unknown"] > 0);
        page.set("benign", number(verdicts["known-benign"]));
        uint64_t rows = 0;
        for (const auto& result : m_report.detections)
            rows += result.rows.size();
        page.set("finding_rows", number(rows));
    }

    void add_run(mu::data& page) const {
        const RunInfo& run = m_report.run;
        mu::list names;
        for (const auto& name : run.detections)
            names.push_back(mu::data("name", name));
        page.set("detection_names", names);
        page.set("default_exclusions", run.default_exclusions ? "applied" : "not applied");
        mu::list rules;
        for (const auto& rule : run.rules) {
            mu::data item;
            item.set("kind", rule.include ? "include" : "exclude");
            item.set("text", rule.text);
            item.set("origin", rule.origin);
            rules.push_back(item);
        }
        page.set("rules", rules);
        std::string window = "all events";
        if (run.since && run.until)
            window = "from " + time(*run.since) + " until before " + time(*run.until);
        else if (run.since)
            window = "from " + time(*run.since);
        else if (run.until)
            window = "until before " + time(*run.until);
        page.set("window", window);
        std::string reading = run.keep_duplicates
                                  ? "identical files and repeated events each counted"
                                  : "identical files and repeated events counted once";
        if (run.recover)
            reading += "; records libevtx recovers also read";
        page.set("reading", reading);
    }

    void add_inputs(mu::data& page) const {
        mu::list files;
        for (const auto& problem : m_report.problems) {
            if (problem.severity != InputProblem::Severity::error)
                continue;
            mu::data row;
            row.set("path", platform::utf8_of(problem.path));
            row.set("status", "error");
            row.set("host", "");
            row.set("log", "");
            row.set("records", "");
            files.push_back(row);
        }
        std::set<std::string> sources;
        for (const auto& row : m_report.coverage) {
            sources.insert(row.source);
            sources.insert(row.provider);
        }
        mu::list others;
        for (const auto& file : m_report.files) {
            mu::data row;
            row.set("path", platform::utf8_of(file.path));
            std::string status = !file.error.empty()          ? "error"
                                 : !file.duplicate_of.empty() ? "duplicate"
                                 : file.stats.damaged()       ? "damaged"
                                                              : "read";
            row.set("status", status);
            bool read = status == "read" || status == "damaged";
            row.set("host", read ? file.stats.log_host : "");
            row.set("log", read ? (file.stats.log_channel.empty() ? file.stats.log_provider
                                                                  : file.stats.log_channel)
                                : "");
            row.set("records", read ? number(file.stats.records_total) : "");
            // A log of a source no detection reads, read without a problem: listed apart.
            bool other = status == "read" && sources.count(file.stats.log_channel) == 0 &&
                         sources.count(file.stats.log_provider) == 0;
            (other ? others : files).push_back(row);
        }
        page.set("files", files);
        page.set("has_others", !others.empty());
        page.set("others_count", number(others.size()));
        page.set("others", others);
        mu::list notices;
        for (const auto& problem : m_report.problems) {
            mu::data item;
            item.set("severity", to_string(problem.severity));
            item.set("subject", platform::utf8_of(problem.path));
            item.set("text", problem.reason);
            notices.push_back(item);
        }
        for (const auto& notice : m_report.notices) {
            mu::data item;
            item.set("severity", notice.severity);
            item.set("subject", notice.subject);
            item.set("text", notice.text);
            notices.push_back(item);
        }
        page.set("has_notices", !notices.empty());
        page.set("notices", notices);
    }

    mu::data coverage_row(const CoverageRow& row) const {
        mu::data item;
        item.set("host", row.host);
        item.set("source", row.source);
        item.set("files", number(row.files));
        item.set("records", number(row.records));
        bool known = row.first_time <= row.last_time;
        item.set("first", known ? time(row.first_time) : "unknown");
        item.set("last", known ? time(row.last_time) : "unknown");
        return item;
    }

    void add_coverage(mu::data& page) const {
        mu::list rows;
        for (const auto& row : m_report.coverage)
            rows.push_back(coverage_row(row));
        page.set("coverage", rows);
        mu::list missing;
        for (const auto& notice : m_report.notices)
            if (notice.severity == "warning" && notice.subject.empty())
                missing.push_back(notice.text);
        page.set("has_missing", !missing.empty());
        page.set("missing", missing);
    }

    void add_detections(mu::data& page) const {
        mu::list detections;
        for (const auto& result : m_report.detections) {
            const Detection& detection = *result.detection;
            mu::data item;
            item.set("name", std::string(detection.name));
            item.set("title", std::string(detection.title));
            item.set("mitre", std::string(detection.mitre));
            item.set("risk", std::to_string(detection.risk_score));
            item.set("splunk_id", std::string(detection.splunk_id));
            item.set("count", number(result.rows.size()));
            item.set("rows_word", words(result.rows.size(), "row", "rows"));
            item.set("has_rows", !result.rows.empty());
            mu::list columns;
            for (const auto& column : detection.columns())
                columns.push_back(column);
            item.set("columns", columns);
            PrintOptions cells = m_options;
            cells.csv = {};
            mu::list rows;
            for (const auto& row : result.rows) {
                mu::list values;
                for (auto& cell : row_cells(detection, row, cells))
                    values.push_back(cell);
                rows.push_back(mu::data("cells", values));
            }
            item.set("rows", rows);
            detections.push_back(item);
        }
        page.set("detections", detections);
    }

    // A lane's label: what the subscription runs (its consumer), else its filter, else
    // its query.
    static std::string lane_label(const Subscription& s) {
        if (s.kind == "permanent" && !s.consumer.empty())
            return s.consumer;
        if (s.kind == "permanent" && !s.filter.empty())
            return "filter " + s.filter;
        return first_line(s.query);
    }

    // A log source as a chart names it: "WMI-Activity", "Sysmon".
    static std::string source_label(std::string source) {
        constexpr std::string_view prefix = "Microsoft-Windows-";
        constexpr std::string_view suffix = "/Operational";
        if (source.starts_with(prefix))
            source.erase(0, prefix.size());
        if (source.ends_with(suffix))
            source.erase(source.size() - suffix.size());
        return source;
    }

    static std::string heading(const Subscription& s) {
        if (s.kind == "temporary")
            return shortened(first_line(s.query), 120);
        std::string text;
        if (!s.filter.empty())
            text += "filter " + s.filter;
        if (!s.consumer.empty())
            text += (text.empty() ? "consumer " : " → consumer ") + s.consumer;
        if (text.empty())
            text = "activation of " + shortened(first_line(s.query), 100);
        return text;
    }

    mu::data subscription(const Subscription& s, const std::string& anchor) const {
        mu::data item;
        item.set("anchor", anchor);
        item.set("kind", s.kind);
        item.set("verdict", s.verdict);
        item.set("heading", heading(s));
        mu::list fields;
        auto field = [&](std::string_view label, const std::string& value) {
            if (value.empty())
                return;
            mu::data f;
            f.set("label", std::string(label));
            f.set("value", value);
            fields.push_back(f);
        };
        field("state", s.state);
        field("first seen", time(s.first_seen));
        field("last seen", time(s.last_seen));
        field("namespace", s.name_space);
        field("filter", s.filter);
        field("query namespace", s.query_namespace);
        field("consumer", s.consumer);
        field("consumer type", s.consumer_type);
        field("scripting engine", s.scripting_engine);
        field("creator SID", s.creator_sid);
        field("user", s.user);
        field("evidence", s.evidence_text());
        field("allowlist rule", s.allowlist_rule);
        field("notes", s.notes);
        item.set("fields", fields);
        mu::list indicators;
        for (const auto& indicator : s.indicators)
            indicators.push_back(indicator);
        item.set("has_indicators", !indicators.empty());
        item.set("indicators", indicators);
        item.set("has_action", !s.action.empty());
        item.set("action", s.action);
        item.set("consumer_type", s.consumer_type.empty() ? "action" : s.consumer_type);
        item.set("has_query", !s.query.empty());
        item.set("query", s.query);
        return item;
    }

    // One chart per host: a shaded bar per log source over the span its records cover,
    // then a lane per subscription with a mark per event, on one time axis that spans
    // both.
    mu::data chart(const std::string& host, const std::vector<const CoverageRow*>& coverage,
                   const std::vector<std::pair<const Subscription*, std::string>>& lanes) const {
        int64_t first = INT64_MAX;
        int64_t last = INT64_MIN;
        for (const CoverageRow* row : coverage)
            if (row->first_time <= row->last_time) {
                first = std::min(first, row->first_time);
                last = std::max(last, row->last_time);
            }
        for (const auto& [s, anchor] : lanes)
            for (const auto& sighting : s->sightings) {
                first = std::min(first, sighting.time);
                last = std::max(last, sighting.time);
            }
        if (first > last) // nothing dated
            first = last = 0;
        // At least ten minutes wide, around the middle, and a margin on each side, so that
        // marks close in time stay apart and none sits on the frame.
        if (last - first < min_chart_span) {
            int64_t middle = first + (last - first) / 2;
            first = middle - min_chart_span / 2;
            last = middle + min_chart_span / 2;
        }
        int64_t margin = (last - first) / 40;
        first -= margin;
        last += margin;
        const double span = chart_right - chart_left;
        auto x_of = [&](int64_t t) { return chart_left + chart_x(t, first, last, span); };
        double y = 10;
        mu::data chart;
        chart.set("host", host);
        chart.set("first", time(first));
        chart.set("last", time(last));
        chart.set("left", coord(chart_left));
        chart.set("right", coord(chart_right));
        const double top = y;
        mu::list covers;
        for (const CoverageRow* row : coverage) {
            if (row->first_time > row->last_time)
                continue;
            mu::data cover;
            double x1 = x_of(row->first_time);
            double x2 = x_of(row->last_time);
            cover.set("x", coord(x1));
            cover.set("w", coord(std::max(x2 - x1, 2.0)));
            cover.set("y", coord(y + 2));
            cover.set("text_y", coord(y + 10));
            cover.set("label_x", coord(chart_left - 8));
            cover.set("label", shortened(source_label(row->source), 26) + " log");
            cover.set("title", fmt::format("{}: {} records, {} to {}", row->source, row->records,
                                           time(row->first_time), time(row->last_time)));
            covers.push_back(cover);
            y += cover_height;
        }
        chart.set("covers", covers);
        y += 6;
        mu::list lane_list;
        for (const auto& [s, anchor] : lanes) {
            double mid = y + lane_height / 2;
            mu::data lane;
            lane.set("anchor", anchor);
            lane.set("label", shortened(lane_label(*s), 30));
            lane.set("title", s->verdict + " " + s->kind + ": " + heading(*s));
            lane.set("label_x", coord(chart_left - 8));
            lane.set("text_y", coord(mid + 4));
            lane.set("y", coord(mid));
            lane.set("verdict_class", "verdict-" + s->verdict);
            lane.set("x1", coord(x_of(s->first_seen)));
            lane.set("x2", coord(x_of(s->last_seen)));
            mu::list marks;
            // Marks that would cover each other (a 5861 and the 5859 of the same second)
            // step above and below the line in turn.
            double previous_x = -1e9;
            int stacked = 0;
            for (const auto& sighting : s->sightings) {
                double x = x_of(sighting.time);
                stacked = x - previous_x < mark_size ? stacked + 1 : 0;
                previous_x = x;
                double mark_y = mid + (stacked == 0 ? 0.0 : stacked % 2 == 1 ? -8.0 : 8.0);
                mu::data mark;
                mark.set("x", coord(x));
                mark.set("y", coord(mark_y));
                mark.set("x0", coord(x - mark_size / 2));
                mark.set("x1", coord(x + mark_size / 2));
                mark.set("y0", coord(mark_y - mark_size / 2));
                mark.set("y1", coord(mark_y + mark_size / 2));
                std::string operation = sighting.operation;
                std::transform(operation.begin(), operation.end(), operation.begin(),
                               [](unsigned char c) { return char(std::tolower(c)); });
                bool sysmon = sighting.source.starts_with("sysmon");
                mark.set("activity", !sysmon);
                mark.set("created", sysmon && operation != "modified" && operation != "deleted");
                mark.set("modified", sysmon && operation == "modified");
                mark.set("deleted", sysmon && operation == "deleted");
                mark.set("title", fmt::format("{}{}{} at {}", sighting.source,
                                              sighting.operation.empty() ? "" : " ",
                                              sighting.operation, time(sighting.time)));
                marks.push_back(mark);
            }
            lane.set("marks", marks);
            lane_list.push_back(lane);
            y += lane_height;
        }
        chart.set("lanes", lane_list);
        const double axis_y = y + 4;
        mu::list ticks;
        for (int i = 0; i <= 4; ++i) {
            int64_t t =
                first + static_cast<int64_t>((static_cast<long double>(last - first) * i) / 4);
            mu::data tick;
            double x = x_of(t);
            tick.set("x", coord(x));
            tick.set("top", coord(top));
            tick.set("axis_y", coord(axis_y));
            tick.set("label_y", coord(axis_y + 16));
            tick.set("anchor", i == 0 ? "start" : i == 4 ? "end" : "middle");
            tick.set("label", i % 2 == 0 ? time(t) : ""); // labels at the ends and middle
            ticks.push_back(tick);
        }
        chart.set("ticks", ticks);
        chart.set("axis_y", coord(axis_y));
        chart.set("width", coord(chart_width));
        chart.set("height", coord(axis_y + 26));
        return chart;
    }

    void add_hosts(mu::data& page) const {
        mu::list list;
        size_t index = 0;
        for (const auto& host : hosts()) {
            ++index;
            mu::data item;
            std::string id = fmt::format("host-{}", index);
            item.set("id", id);
            item.set("name", host);
            std::vector<const CoverageRow*> coverage;
            mu::list coverage_rows;
            for (const auto& row : m_report.coverage)
                if (row.host == host) {
                    coverage.push_back(&row);
                    coverage_rows.push_back(coverage_row(row));
                }
            item.set("has_coverage", !coverage.empty());
            item.set("coverage", coverage_rows);
            std::vector<std::pair<const Subscription*, std::string>> lanes;
            mu::list subscriptions;
            for (const auto& s : m_report.subscriptions)
                if (s.host == host) {
                    std::string anchor = fmt::format("{}-subscription-{}", id, lanes.size() + 1);
                    lanes.emplace_back(&s, anchor);
                    subscriptions.push_back(subscription(s, anchor));
                }
            item.set("has_subscriptions", !lanes.empty());
            item.set("subscriptions", subscriptions);
            if (!lanes.empty())
                item.set("chart", chart(host, coverage, lanes));
            else
                item.set("chart", false);
            list.push_back(item);
        }
        page.set("hosts", list);
    }

    const ReportCase& m_report;
    const PrintOptions& m_options;
};

} // namespace

std::string html_text(std::string_view value) {
    // terminal_escape shows TAB, LF and CR as \t \n \r: escape the text between them.
    std::string shown_text;
    shown_text.reserve(value.size());
    size_t start = 0;
    while (start <= value.size()) {
        size_t end = value.find_first_of("\t\n\r", start);
        shown_text += terminal_escape(value.substr(start, end - start));
        if (end == std::string_view::npos)
            break;
        shown_text += value[end];
        start = end + 1;
    }
    return mu::html_escape(shown_text);
}

std::string_view report_template() {
    return report_template_text;
}

double chart_x(int64_t ticks, int64_t first, int64_t last, double width) {
    return static_cast<double>(static_cast<long double>(ticks - first) /
                               static_cast<long double>(last - first)) *
           width;
}

void write_report(std::ostream& out, const ReportCase& report, const PrintOptions& options) {
    mu::mustache page{std::string(report_template())};
    if (!page.is_valid())
        throw std::logic_error("the report template does not parse: " + page.error_message());
    page.set_custom_escape(html_text);
    page.render(Builder(report, options).build(), out);
    if (!page.is_valid())
        throw std::logic_error("the report template does not render: " + page.error_message());
}

} // namespace wmihunt
