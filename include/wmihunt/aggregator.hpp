// aggregator: `stats count min(_time) max(_time) by ...` over matched events.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wmihunt {

// One output row of a detection: its group values, in group_fields order, and the stats.
struct Row {
    std::vector<std::string> key;
    uint64_t count = 0;
    int64_t first_time = 0; // 100 ns ticks since the Unix epoch, UTC
    int64_t last_time = 0;
};

// Counts events per group key and keeps their earliest and latest time. Order-free:
// adding the same events in any order, or merging partial aggregators, gives equal rows.
class Aggregator {
  public:
    void add(std::vector<std::string> key, int64_t time);
    void merge(const Aggregator& other);
    // Rows sorted by their key fields, compared field by field as UTF-8 bytes.
    std::vector<Row> rows() const;
    bool empty() const { return m_groups.empty(); }
    // Total events added (the sum of every row's count).
    uint64_t events() const;

  private:
    struct Stats {
        uint64_t count = 0;
        int64_t first = 0;
        int64_t last = 0;
    };
    void add_stats(const std::vector<std::string>& key, const Stats& stats);
    // std::string compares through char_traits<char>, which orders as unsigned bytes.
    std::map<std::vector<std::string>, Stats> m_groups;
};

} // namespace wmihunt
