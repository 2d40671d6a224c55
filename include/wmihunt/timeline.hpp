// timeline: the individual events behind the results (--events), one row per match.
#pragma once

#include "wmihunt/consumer.hpp"
#include "wmihunt/detection.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wmihunt {

// The detection fields --events prints besides host and the finding, by their analyst
// names; a detection without one of them leaves it empty (null in JSON).
inline constexpr std::array<std::string_view, 5> timeline_fields = {
    "user", "namespace", "client_pid", "client_machine", "filter"};

// The decoded payload --events prints for 5861 and Sysmon 19/20/21 events (event_payload
// in subscriptions.hpp); other events leave them empty (null in JSON).
inline constexpr std::array<std::string_view, 3> timeline_payload_fields = {
    "consumer_type", "action", "creator_sid"};

// One matched event, as the timeline shows it.
struct EventRow {
    const Detection* detection = nullptr;
    int64_t time = 0; // 100 ns ticks since the Unix epoch, UTC
    std::string host;
    uint32_t event_id = 0;
    uint64_t record_id = 0;
    std::string value; // the detection's finding field (query, consumer, Destination)
    std::array<std::optional<std::string>, timeline_fields.size()> fields;
    std::array<std::optional<std::string>, timeline_payload_fields.size()> payload;
    std::string file;
    // What `wmihunt merge` needs to recognise the event in another run: its log (the
    // channel, or the provider of a record without one; dedupe.hpp) and its place in
    // this run's event stream (MatchedEvent::sequence).
    std::string log;
    uint64_t sequence = 0;
};

// The row for `event` of `detection`, which extracted `extracted`, read from `file`.
EventRow make_event_row(const CompiledDetection& detection, const Event& event,
                        const Extracted& extracted, const std::string& file);

// Sorts a timeline by time, then file, record id and detection: a stable order whatever
// order the files were read in.
void sort_timeline(std::vector<EventRow>& rows);

// Collects one row per detection match of the stream.
class Timeline : public EventConsumer {
  public:
    explicit Timeline(const std::vector<CompiledDetection>& detections)
        : m_detections(detections) {}
    void consume(const MatchedEvent& event) override;
    // The rows, sorted (sort_timeline).
    std::vector<EventRow> rows() const;

  private:
    const std::vector<CompiledDetection>& m_detections;
    std::vector<EventRow> m_rows;
};

} // namespace wmihunt
