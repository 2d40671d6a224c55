// aggregator: per-group count and time range, and per-event table rows, per detection.
#include "wmihunt/aggregator.hpp"

#include <algorithm>

namespace wmihunt {

void Aggregator::add(std::vector<std::string> key, int64_t time) {
    auto [it, inserted] = m_groups.try_emplace(std::move(key), Stats{1, time, time});
    if (inserted)
        return;
    auto& stats = it->second;
    ++stats.count;
    stats.first = std::min(stats.first, time);
    stats.last = std::max(stats.last, time);
}

void Aggregator::add_stats(const std::vector<std::string>& key, const Stats& stats) {
    auto [it, inserted] = m_groups.try_emplace(key, stats);
    if (inserted)
        return;
    auto& mine = it->second;
    mine.count += stats.count;
    mine.first = std::min(mine.first, stats.first);
    mine.last = std::max(mine.last, stats.last);
}

void Aggregator::add_group(const std::vector<std::string>& key, uint64_t count, int64_t first,
                           int64_t last) {
    add_stats(key, Stats{count, first, last});
}

void Aggregator::merge(const Aggregator& other) {
    for (const auto& [key, stats] : other.m_groups)
        add_stats(key, stats);
}

std::vector<Row> Aggregator::rows() const {
    std::vector<Row> out;
    out.reserve(m_groups.size());
    for (const auto& [key, stats] : m_groups)
        out.push_back(Row{key, stats.count, stats.first, stats.last});
    return out;
}

uint64_t Aggregator::events() const {
    uint64_t total = 0;
    for (const auto& entry : m_groups)
        total += entry.second.count;
    return total;
}

DetectionResults::DetectionResults(const std::vector<CompiledDetection>& detections) {
    for (const auto& detection : detections)
        m_outputs.push_back(Output{&detection, {}, {}});
}

void DetectionResults::consume(const MatchedEvent& event) {
    for (const auto& match : event.matches) {
        Output& output = m_outputs[match.detection];
        const Detection& d = output.detection->detection();
        std::vector<std::string> key;
        key.reserve(d.output_fields().size());
        for (auto field : d.output_fields()) {
            const std::string* value =
                field == "_time" ? nullptr
                                 : CompiledDetection::value(event.event, match.extracted, field);
            key.push_back(value != nullptr ? *value : std::string());
        }
        if (d.is_table())
            output.table.push_back(Row{std::move(key), 1, event.event.time, event.event.time});
        else
            output.stats.add(std::move(key), event.event.time);
    }
}

std::vector<Row> DetectionResults::rows(size_t i) const {
    const Output& output = m_outputs[i];
    if (!output.detection->detection().is_table())
        return output.stats.rows();
    std::vector<Row> rows = output.table;
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        if (a.first_time != b.first_time)
            return a.first_time > b.first_time;
        return a.key < b.key;
    });
    return rows;
}

void DetectionResults::add_row(size_t i, const Row& row) {
    Output& output = m_outputs[i];
    if (output.detection->detection().is_table())
        output.table.push_back(row);
    else
        output.stats.add_group(row.key, row.count, row.first_time, row.last_time);
}

uint64_t DetectionResults::events(size_t i) const {
    const Output& output = m_outputs[i];
    return output.detection->detection().is_table() ? output.table.size() : output.stats.events();
}

} // namespace wmihunt
