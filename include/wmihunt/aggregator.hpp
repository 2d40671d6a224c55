// aggregator: each detection's output (`stats ... by` groups or `table` rows) from the stream.
#pragma once

#include "wmihunt/consumer.hpp"
#include "wmihunt/detection.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wmihunt {

// One output row of a detection. For Stats: the group values in `by` order and the
// stats. For Table: one cell per table field in order ("_time" an empty cell: first_time
// is the event's time), count 1.
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
    // Adds a group counted elsewhere: `count` events from `first` to `last`.
    void add_group(const std::vector<std::string>& key, uint64_t count, int64_t first,
                   int64_t last);
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

// The output of every selected detection, built from the event stream.
class DetectionResults : public EventConsumer {
  public:
    explicit DetectionResults(const std::vector<CompiledDetection>& detections);
    void consume(const MatchedEvent& event) override;

    size_t size() const { return m_outputs.size(); }
    const Detection& detection(size_t i) const { return m_outputs[i].detection->detection(); }
    // Detection i's rows: Stats rows sorted by key; Table rows newest first, ties by the
    // rest of the row as UTF-8 bytes.
    std::vector<Row> rows(size_t i) const;
    // Events in detection i's output.
    uint64_t events(size_t i) const;
    // Adds a row of detection i's output made elsewhere (another run's): a Stats row's
    // group counts as added events, a Table row is one more row.
    void add_row(size_t i, const Row& row);

  private:
    struct Output {
        const CompiledDetection* detection;
        Aggregator stats;
        std::vector<Row> table;
    };
    std::vector<Output> m_outputs;
};

} // namespace wmihunt
