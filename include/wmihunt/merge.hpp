// merge: the JSON Lines rows of several runs back into what one run over all their inputs
// prints (`wmihunt merge`): counts added and times combined per group, timeline events and
// the events behind subscriptions de-duplicated as one run does, subscriptions joined
// again and judged with the runs' rules.
#pragma once

#include "wmihunt/aggregator.hpp"
#include "wmihunt/detection.hpp"
#include "wmihunt/printers.hpp"
#include "wmihunt/subscriptions.hpp"
#include "wmihunt/timeline.hpp"
#include "wmihunt/tuning.hpp"

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace wmihunt {

// Rows that cannot be merged: of another wmihunt version, or of runs with other options.
// what() is one line naming both rows.
class MergeError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A row and where it came from: the index of its file among the inputs, and the
// position of its event in its run's stream (MatchedEvent::sequence).
template <typename T> struct Placed {
    size_t file = 0;
    uint64_t sequence = 0;
    T value;
};

// The rows of every input, as read.
struct MergeInput {
    RunInfo run;     // the one RunInfo of every row (rule origins from the first)
    size_t rows = 0; // rows read
    std::vector<std::pair<const Detection*, Row>> detection_rows; // the detections view
    std::vector<Placed<EventRow>> events;                         // the events view
    std::vector<Placed<Event>> sources; // the subscriptions view: the events behind them
    // A file that could not be read or a line that is not a row wmihunt wrote, one line
    // each ("FILE: reason", "FILE:LINE: reason"): its other rows are still used.
    std::vector<std::string> problems;
};

// Reads JSON Lines that wmihunt wrote. Throws MergeError at the first row whose wmihunt
// version is not this one's, or whose RunInfo differs from the first row's.
MergeInput read_merge_input(const std::vector<std::filesystem::path>& files);

// The detections' rows of one run over every input: counts added, first and last times
// combined per group; table rows together, sorted as DetectionResults sorts them. (Rows
// hold no events: an event counted by two runs is counted twice.)
std::vector<DetectionRows> merge_detection_rows(const MergeInput& input,
                                                const std::vector<CompiledDetection>& detections);

// The timeline of one run over every input: of the copies of one event (dedupe.hpp), the
// rows of the first, in input order (file, then sequence), unless `keep_duplicates`;
// sorted as Timeline sorts it.
std::vector<EventRow> merge_timeline(const MergeInput& input, bool keep_duplicates);

// The subscriptions of one run over every input: their events, de-duplicated as above,
// correlated again in input order, judged with `tuning`, and given their events again
// (SubscriptionCorrelator::attach_sources).
std::vector<Subscription> merge_subscriptions(const MergeInput& input, bool keep_duplicates,
                                              const Tuning& tuning, bool default_exclusions);

} // namespace wmihunt
