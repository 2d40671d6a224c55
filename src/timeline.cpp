// timeline: event rows from matched events, and their order.
#include "wmihunt/timeline.hpp"

#include "wmihunt/platform.hpp"
#include "wmihunt/subscriptions.hpp"

#include <algorithm>
#include <tuple>

namespace wmihunt {

EventRow make_event_row(const CompiledDetection& detection, const Event& event,
                        const Extracted& extracted, const std::string& file) {
    EventRow row;
    row.detection = &detection.detection();
    row.time = event.time;
    row.host = event.host;
    row.event_id = event.event_id;
    row.record_id = event.record_id;
    if (const std::string* value =
            CompiledDetection::value(event, extracted, detection.detection().finding))
        row.value = *value;
    for (size_t i = 0; i < timeline_fields.size(); ++i)
        if (const std::string* value = detection.field_value(event, extracted, timeline_fields[i]))
            row.fields[i] = *value;
    if (auto payload = event_payload(event))
        row.payload = {payload->consumer_type, payload->action, payload->creator_sid};
    row.file = file;
    row.log = event.channel.empty() ? event.provider : event.channel;
    return row;
}

void sort_timeline(std::vector<EventRow>& rows) {
    std::sort(rows.begin(), rows.end(), [](const EventRow& a, const EventRow& b) {
        return std::tie(a.time, a.file, a.record_id, a.detection->name) <
               std::tie(b.time, b.file, b.record_id, b.detection->name);
    });
}

void Timeline::consume(const MatchedEvent& event) {
    for (const auto& match : event.matches) {
        m_rows.push_back(make_event_row(m_detections[match.detection], event.event, match.extracted,
                                        platform::utf8_of(event.file)));
        m_rows.back().sequence = event.sequence;
    }
}

std::vector<EventRow> Timeline::rows() const {
    std::vector<EventRow> rows = m_rows;
    sort_timeline(rows);
    return rows;
}

} // namespace wmihunt
