// extractor: the WMI-Activity layouts of detections.md and the Message renderer.
#include "wmihunt/extractor.hpp"

namespace wmihunt {

namespace {

constexpr std::string_view wmi_activity = "Microsoft-Windows-WMI-Activity";

} // namespace

const std::string* Event::field(std::string_view name) const {
    for (const auto& [key, value] : fields)
        if (key == name)
            return &value;
    return nullptr;
}

const std::vector<EventSchema>& event_schemas() {
    // Templates from WinMgmtR.dll's message table, without their trailing CR LF.
    static const std::vector<EventSchema> schemas = {
        {wmi_activity,
         5857,
         "Operation_StartedOperational",
         {"ProviderName", "Code", "HostProcess", "ProcessID", "ProviderPath"},
         "%1 provider started with result code %2. HostProcess = %3; ProcessID = %4; "
         "ProviderPath = %5"},
        {wmi_activity,
         5858,
         "Operation_ClientFailure",
         {"Id", "ClientMachine", "User", "ClientProcessId", "Component", "Operation", "ResultCode",
          "PossibleCause"},
         "Id = %1; ClientMachine = %2; User = %3; ClientProcessId = %4; Component = %5; "
         "Operation = %6; ResultCode = %7; PossibleCause = %8"},
        {wmi_activity,
         5859,
         "Operation_EssStarted",
         {"NamespaceName", "Query", "User", "Processid", "Provider", "queryid", "PossibleCause"},
         "Namespace = %1; NotificationQuery = %2; OwnerName = %3; HostProcessID = %4;  "
         "Provider= %5, queryID = %6; PossibleCause = %7"},
        {wmi_activity,
         5860,
         "Operation_TemporaryEssStarted",
         {"NamespaceName", "Query", "User", "Processid", "ClientMachine", "PossibleCause"},
         "Namespace = %1; NotificationQuery = %2; UserName = %3; ClientProcessID = %4, "
         "ClientMachine = %5; PossibleCause = %6"},
        {wmi_activity,
         5861,
         "Operation_ESStoConsumerBinding",
         {"Namespace", "ESS", "CONSUMER", "PossibleCause"},
         "Namespace = %1; Eventfilter = %2 (refer to its activate eventid:5859); Consumer = %3; "
         "PossibleCause = %4"},
    };
    return schemas;
}

const EventSchema* find_schema(std::string_view provider, uint32_t event_id) {
    for (const auto& schema : event_schemas())
        if (schema.event_id == event_id && schema.provider == provider)
            return &schema;
    return nullptr;
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

std::optional<Event> extract(const RawRecord& record) {
    const EventSchema* schema = find_schema(record.provider, record.event_id);
    if (schema == nullptr)
        return std::nullopt;
    Event event;
    event.record_id = record.record_id;
    event.recovered = record.recovered;
    event.event_id = record.event_id;
    event.provider = record.provider;
    event.time = record.time_created;
    event.fields.reserve(schema->children.size() + 2);
    event.fields.emplace_back("ComputerName", record.computer);
    for (size_t i = 0; i < schema->children.size() && i < record.values.size(); ++i)
        event.fields.emplace_back(schema->children[i], record.values[i]);
    if (!schema->message_template.empty())
        event.fields.emplace_back("Message",
                                  render_message(schema->message_template, record.values));
    return event;
}

} // namespace wmihunt
