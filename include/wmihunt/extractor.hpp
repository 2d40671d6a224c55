// extractor: turns a RawRecord into an Event with named fields and its rendered Message.
#pragma once

#include "wmihunt/reader.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wmihunt {

// An event as the detections see it: host, time, and named fields. Field names are the
// UserData/EventData element names of the provider's manifest, plus "ComputerName"
// (System/Computer) and, where the provider has a message template, "Message".
struct Event {
    uint64_t record_id = 0;
    uint32_t event_id = 0;
    std::string provider;
    int64_t time = 0;       // 100 ns ticks since the Unix epoch, UTC
    bool recovered = false; // from a recovered record (RawRecord::recovered)
    std::vector<std::pair<std::string_view, std::string>> fields;

    // The value of field `name`, or nullptr when the event has no such field.
    const std::string* field(std::string_view name) const;
};

// How one (provider, event id) is laid out: its UserData element, the element's children
// in document order, and the message-table text rendered into Message (%1..%n).
struct EventSchema {
    std::string_view provider;
    uint32_t event_id;
    std::string_view element;
    std::vector<std::string_view> children;
    std::string_view message_template; // empty: the event has no Message field
};

// Every event layout wmihunt knows (WMI-Activity 5857-5861).
const std::vector<EventSchema>& event_schemas();

// The schema for (provider, event id), or nullptr.
const EventSchema* find_schema(std::string_view provider, uint32_t event_id);

// Renders a Windows message-table template: %1..%n become values[0..n-1] in one pass
// (a value that itself holds "%2" is not substituted again); a placeholder with no value
// becomes empty; "%%" is a literal percent sign.
std::string render_message(std::string_view message_template,
                           const std::vector<std::string>& values);

// Names the record's values by the schema and renders its Message. Returns nullopt when
// no schema describes (provider, event id).
std::optional<Event> extract(const RawRecord& record);

} // namespace wmihunt
