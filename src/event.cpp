// event: named fields from a decoded record, and the WMI-Activity message table.
#include "wmihunt/event.hpp"

namespace wmihunt {

namespace {

struct MessageTemplate {
    std::string_view provider;
    uint32_t event_id;
    std::string_view text;
};

constexpr std::string_view wmi_activity = "Microsoft-Windows-WMI-Activity";

// From WinMgmtR.dll's message table, without their trailing CR LF (detections.md).
constexpr MessageTemplate message_table[] = {
    {wmi_activity, 5857,
     "%1 provider started with result code %2. HostProcess = %3; ProcessID = %4; "
     "ProviderPath = %5"},
    {wmi_activity, 5858,
     "Id = %1; ClientMachine = %2; User = %3; ClientProcessId = %4; Component = %5; "
     "Operation = %6; ResultCode = %7; PossibleCause = %8"},
    {wmi_activity, 5859,
     "Namespace = %1; NotificationQuery = %2; OwnerName = %3; HostProcessID = %4;  "
     "Provider= %5, queryID = %6; PossibleCause = %7"},
    {wmi_activity, 5860,
     "Namespace = %1; NotificationQuery = %2; UserName = %3; ClientProcessID = %4, "
     "ClientMachine = %5; PossibleCause = %6"},
    {wmi_activity, 5861,
     "Namespace = %1; Eventfilter = %2 (refer to its activate eventid:5859); Consumer = %3; "
     "PossibleCause = %4"},
};

} // namespace

const std::string* Event::field(std::string_view name) const {
    if (name == "Computer" || name == "ComputerName" || name == "host")
        return &host;
    for (const auto& [key, value] : fields)
        if (key == name)
            return &value;
    return nullptr;
}

std::string_view message_template(std::string_view provider, uint32_t event_id) {
    for (const auto& entry : message_table)
        if (entry.event_id == event_id && entry.provider == provider)
            return entry.text;
    return {};
}

std::string render_message(std::string_view message_template,
                           const std::vector<std::string>& values) {
    std::string out;
    out.reserve(message_template.size() + 64);
    for (size_t i = 0; i < message_template.size(); ++i) {
        char c = message_template[i];
        if (c != '%' || i + 1 >= message_template.size()) {
            out += c;
            continue;
        }
        char next = message_template[i + 1];
        if (next == '%') {
            out += '%';
            ++i;
            continue;
        }
        if (next < '1' || next > '9') {
            out += c;
            continue;
        }
        size_t index = 0;
        size_t j = i + 1;
        while (j < message_template.size() && message_template[j] >= '0' &&
               message_template[j] <= '9') {
            index = index * 10 + static_cast<size_t>(message_template[j] - '0');
            ++j;
        }
        if (index >= 1 && index <= values.size())
            out += values[index - 1];
        i = j - 1;
    }
    return out;
}

Event make_event(const RawRecord& record) {
    Event event;
    event.provider = record.provider;
    event.channel = record.channel;
    event.host = record.computer;
    event.event_id = record.event_id;
    event.record_id = record.record_id;
    event.time = record.time_created;
    event.recovered = record.recovered;
    size_t named = std::min(record.names.size(), record.values.size());
    event.fields.reserve(named + 1);
    for (size_t i = 0; i < named; ++i)
        if (!record.names[i].empty())
            event.fields.emplace_back(record.names[i], record.values[i]);
    if (auto text = message_template(record.provider, record.event_id); !text.empty())
        event.fields.emplace_back("Message", render_message(text, record.values));
    return event;
}

} // namespace wmihunt
