// timeline: the individual events behind the aggregates (--events), one row each.
#pragma once

#include "wmihunt/detection.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wmihunt {

// The detection fields --events prints besides host and the extracted field, by their
// analyst names; a detection without one of them leaves it empty (null in JSON).
inline constexpr std::array<std::string_view, 5> timeline_fields = {
    "user", "namespace", "client_pid", "client_machine", "filter"};

// One matched event, as the timeline shows it.
struct EventRow {
    const Detection* detection = nullptr;
    int64_t time = 0; // 100 ns ticks since the Unix epoch, UTC
    std::string host;
    uint32_t event_id = 0;
    uint64_t record_id = 0;
    std::string value; // the detection's extracted field (query, consumer)
    std::array<std::optional<std::string>, timeline_fields.size()> fields;
    std::string file;
};

// The row for a matched event of `detection` read from `file`.
EventRow make_event_row(const CompiledDetection& detection, const Event& event,
                        const std::string& extracted, const std::string& file);

// Sorts a timeline by time, then file, record id and detection: a stable order whatever
// order the files were read in.
void sort_timeline(std::vector<EventRow>& rows);

} // namespace wmihunt
