// aggregator: per-group count and time range, mergeable across files and threads.
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

} // namespace wmihunt
