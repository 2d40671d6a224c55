// event: the event model every consumer reads: System fields and values named as logged.
#pragma once

#include "wmihunt/reader.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wmihunt {

// One decoded event. Fields are named as the log names them: EventData/Data/@Name, or the
// children of UserData's element (Sysmon's and WMI-Activity's layouts differ between
// versions, so nothing is read by position), plus "Message" where the provider's message
// table is known (message_template).
struct Event {
    std::string provider;
    std::string channel; // System/Channel; empty when the record carries none
    std::string host;    // System/Computer
    uint32_t event_id = 0;
    uint64_t record_id = 0;
    int64_t time = 0;       // System/TimeCreated: 100 ns ticks since the Unix epoch, UTC
    bool recovered = false; // from a recovered record (RawRecord::recovered)
    std::vector<std::pair<std::string, std::string>> fields;

    // The value of field `name`: "Computer", "ComputerName" and "host" are System/Computer
    // (as Splunk names it for XML and classic events); any other name is a logged field.
    // nullptr when the event has no such field. The pointer is into this event: it
    // dangles once the event is gone (make_event(r).field(...) on a temporary).
    const std::string* field(std::string_view name) const;
};

// The message-table text Windows renders for (provider, event id), without its trailing
// CR LF, or an empty view when wmihunt does not know it (WMI-Activity 5857-5861 only).
std::string_view message_template(std::string_view provider, uint32_t event_id);

// Renders a Windows message-table template: %1..%n become values[0..n-1] in one pass
// (a value that itself holds "%2" is not substituted again); a placeholder with no value
// becomes empty; "%%" is a literal percent sign.
std::string render_message(std::string_view message_template,
                           const std::vector<std::string>& values);

// The event of a decoded record: its values named by the record's own XML (a value the
// XML does not name is left out) and, with a known message template, its Message.
Event make_event(const RawRecord& record);

} // namespace wmihunt
