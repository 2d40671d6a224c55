// timeline: event rows from matched events, and their order.
#include "wmihunt/timeline.hpp"

#include <algorithm>
#include <tuple>

namespace wmihunt {

EventRow make_event_row(const CompiledDetection& detection, const Event& event,
                        const std::string& extracted, const std::string& file) {
    EventRow row;
    row.detection = &detection.detection();
    row.time = event.time;
    if (const std::string* host = event.field("ComputerName"))
        row.host = *host;
    row.event_id = event.event_id;
    row.record_id = event.record_id;
    row.value = extracted;
    for (size_t i = 0; i < timeline_fields.size(); ++i)
        if (const std::string* value = detection.field_value(event, extracted, timeline_fields[i]))
            row.fields[i] = *value;
    row.file = file;
    return row;
}

void sort_timeline(std::vector<EventRow>& rows) {
    std::sort(rows.begin(), rows.end(), [](const EventRow& a, const EventRow& b) {
        return std::tie(a.time, a.file, a.record_id, a.detection->name) <
               std::tie(b.time, b.file, b.record_id, b.detection->name);
    });
}

} // namespace wmihunt
