// detection: Splunk ESCU "WMI Temporary/Permanent Event Subscription" as table rows.
#include "wmihunt/detection.hpp"

#include <algorithm>

namespace wmihunt {

const std::vector<Detection>& detections() {
    static const std::vector<Detection> table = {
        {
            "temporary",
            "WMI Temporary Event Subscription",
            "38cbd42c-1098-41bb-99cf-9d6d2b296d83",
            "`wmi` EventCode=5860 Temporary | rex field=Message \"NotificationQuery =\\s+"
            "(?<query>[^;|^$]+)\" | search query!=\"SELECT * FROM Win32_ProcessStartTrace WHERE "
            "ProcessName = 'wsmprovhost.exe'\" AND query!=\"SELECT * FROM __InstanceOperationEvent "
            "WHERE TargetInstance ISA 'AntiVirusProduct' OR TargetInstance ISA 'FirewallProduct' "
            "OR TargetInstance ISA 'AntiSpywareProduct'\" | stats count min(_time) as firstTime "
            "max(_time) as lastTime by ComputerName, query",
            "Microsoft-Windows-WMI-Activity",
            5860,
            "Temporary",
            "Message",
            "NotificationQuery =\\s+(?<query>[^;|^$]+)",
            "query",
            {"SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = 'wsmprovhost.exe'",
             "SELECT * FROM __InstanceOperationEvent WHERE TargetInstance ISA 'AntiVirusProduct' "
             "OR TargetInstance ISA 'FirewallProduct' OR TargetInstance ISA 'AntiSpywareProduct'"},
            {"ComputerName", "query"},
            {"ComputerName", "query"},
            "T1047",
            25,
            {{"host", "ComputerName"},
             {"query", "query"},
             {"message", "Message"},
             {"user", "User"},
             {"namespace", "NamespaceName"},
             {"client_pid", "Processid"},
             {"client_machine", "ClientMachine"},
             {"possible_cause", "PossibleCause"}},
        },
        {
            "permanent",
            "WMI Permanent Event Subscription",
            "71bfdb13-f200-4c6c-b2c9-a2e07adf437d",
            "`wmi` EventCode=5861 Binding | rex field=Message \"Consumer =\\s+"
            "(?<consumer>[^;|^$]+)\" | search consumer!=\"NTEventLogEventConsumer=\\\"SCM Event "
            "Log Consumer\\\"\" | stats count min(_time) as firstTime max(_time) as lastTime by "
            "ComputerName, consumer, Message | rename ComputerName as dest",
            "Microsoft-Windows-WMI-Activity",
            5861,
            "Binding",
            "Message",
            "Consumer =\\s+(?<consumer>[^;|^$]+)",
            "consumer",
            {"NTEventLogEventConsumer=\"SCM Event Log Consumer\""},
            {"ComputerName", "consumer", "Message"},
            {"dest", "consumer", "Message"},
            "T1047",
            25,
            {{"host", "ComputerName"},
             {"consumer", "consumer"},
             {"message", "Message"},
             {"namespace", "Namespace"},
             {"filter", "ESS"},
             {"possible_cause", "PossibleCause"}},
        },
    };
    return table;
}

const Detection* find_detection(std::string_view name) {
    for (const auto& detection : detections())
        if (detection.name == name)
            return &detection;
    return nullptr;
}

std::vector<std::string_view> field_names() {
    std::vector<std::string_view> names;
    for (const auto& detection : detections())
        for (const auto& field : detection.fields)
            if (std::find(names.begin(), names.end(), field.name) == names.end())
                names.push_back(field.name);
    return names;
}

CompiledDetection::CompiledDetection(const Detection& detection, bool default_exclusions)
    : m_detection(&detection), m_regex(detection.regex),
      m_group(m_regex.group_number(detection.extracted)) {
    if (m_group < 0)
        throw RegexError("the regex has no group named " + std::string(detection.extracted), 0);
    if (default_exclusions)
        for (auto value : detection.default_exclusions)
            m_exclusions.emplace_back(value);
}

std::optional<std::string> CompiledDetection::extract_field(const Event& event) const {
    if (event.event_id != m_detection->event_id || event.provider != m_detection->provider)
        return std::nullopt;
    const std::string* source = event.field(m_detection->regex_source);
    if (source == nullptr || !term_matches(*source, m_detection->term))
        return std::nullopt;
    auto captured = m_regex.first_capture(*source, m_group);
    if (!captured)
        return std::nullopt;
    return std::string(*captured);
}

std::optional<std::vector<std::string>> CompiledDetection::group_key(const Event& event) const {
    auto extracted = extract_field(event);
    if (!extracted)
        return std::nullopt;
    for (const auto& exclusion : m_exclusions)
        if (exclusion.matches(*extracted))
            return std::nullopt;
    std::vector<std::string> key;
    key.reserve(m_detection->group_fields.size());
    for (auto name : m_detection->group_fields) {
        const std::string* value = name == m_detection->extracted ? &*extracted : event.field(name);
        if (value == nullptr || value->empty())
            return std::nullopt;
        key.push_back(*value);
    }
    return key;
}

const std::string* CompiledDetection::field_value(const Event& event, const std::string& extracted,
                                                  std::string_view name) const {
    for (const auto& field : m_detection->fields)
        if (field.name == name)
            return field.source == m_detection->extracted ? &extracted : event.field(field.source);
    return nullptr;
}

} // namespace wmihunt
