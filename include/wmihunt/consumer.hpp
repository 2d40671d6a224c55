// consumer: the one ordered, de-duplicated stream of matched events that the scan hands on.
#pragma once

#include "wmihunt/detection.hpp"
#include "wmihunt/event.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace wmihunt {

// One detection's match of an event: its index in the scan's detections, and the fields
// its rex extracted.
struct DetectionMatch {
    size_t detection = 0;
    Extracted extracted;
};

// An event at least one selected detection keeps (after tuning and the time window),
// with every detection that keeps it, in detection order; or an event some consumer
// reads whatever the detections say (EventConsumer::also_reads, within the time window),
// then with `matches` empty when no detection keeps it.
struct MatchedEvent {
    const Event& event;
    const std::filesystem::path& file;
    const std::vector<DetectionMatch>& matches;
    uint64_t sequence = 0; // the event's place in the stream: 0, 1, 2, ...
};

// What the scan feeds. consume() is called once per matched event, in input order (the
// files in the order given, each file's records in file order), with every copy of an
// event after the first already dropped (dedupe.hpp); never concurrently.
class EventConsumer {
  public:
    // An event that a consumer reads whatever the detections say: its provider and id.
    struct EventKey {
        std::string_view provider;
        uint32_t event_id = 0;
    };

    virtual ~EventConsumer() = default;
    virtual void consume(const MatchedEvent& event) = 0;
    // The events this consumer also reads when no detection keeps them (the subscription
    // correlator reads 5859 and Sysmon 19, which no analytic counts). Tuning rules do not
    // drop them; the time window does.
    virtual std::vector<EventKey> also_reads() const { return {}; }
};

} // namespace wmihunt
