// detections/wmi_activity: Splunk ESCU's analytics on Microsoft-Windows-WMI-Activity.
#include "wmihunt/detection.hpp"

namespace wmihunt {

const std::vector<Detection>& wmi_activity_detections() {
    static const std::vector<Detection> table = {
        {
            .name = "temporary",
            .title = "WMI Temporary Event Subscription",
            .splunk_id = "38cbd42c-1098-41bb-99cf-9d6d2b296d83",
            .search =
                "`wmi` EventCode=5860 Temporary | rex field=Message \"NotificationQuery =\\s+"
                "(?<query>[^;|^$]+)\" | search query!=\"SELECT * FROM Win32_ProcessStartTrace "
                "WHERE ProcessName = 'wsmprovhost.exe'\" AND query!=\"SELECT * FROM "
                "__InstanceOperationEvent WHERE TargetInstance ISA 'AntiVirusProduct' OR "
                "TargetInstance ISA 'FirewallProduct' OR TargetInstance ISA "
                "'AntiSpywareProduct'\" | stats count min(_time) as firstTime max(_time) as "
                "lastTime by ComputerName, query",
            .provider = "Microsoft-Windows-WMI-Activity",
            .event_ids = {5860},
            .term = Term{"Message", "Temporary"},
            .rex = Rex{"Message", "NotificationQuery =\\s+(?<query>[^;|^$]+)", "query"},
            .default_exclusions =
                {{"query", "SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = "
                           "'wsmprovhost.exe'"},
                 {"query", "SELECT * FROM __InstanceOperationEvent WHERE TargetInstance ISA "
                           "'AntiVirusProduct' OR TargetInstance ISA 'FirewallProduct' OR "
                           "TargetInstance ISA 'AntiSpywareProduct'"}},
            .output = Stats{.by = {"ComputerName", "query"}},
            .finding = "query",
            .mitre = "T1047",
            .risk_score = 25,
            .fields = {{"host", "ComputerName"},
                       {"query", "query"},
                       {"message", "Message"},
                       {"user", "User"},
                       {"namespace", "NamespaceName"},
                       {"client_pid", "Processid"},
                       {"client_machine", "ClientMachine"},
                       {"possible_cause", "PossibleCause"}},
        },
        {
            .name = "permanent",
            .title = "WMI Permanent Event Subscription",
            .splunk_id = "71bfdb13-f200-4c6c-b2c9-a2e07adf437d",
            .search = "`wmi` EventCode=5861 Binding | rex field=Message \"Consumer =\\s+"
                      "(?<consumer>[^;|^$]+)\" | search consumer!=\"NTEventLogEventConsumer="
                      "\\\"SCM Event Log Consumer\\\"\" | stats count min(_time) as firstTime "
                      "max(_time) as lastTime by ComputerName, consumer, Message | rename "
                      "ComputerName as dest",
            .provider = "Microsoft-Windows-WMI-Activity",
            .event_ids = {5861},
            .term = Term{"Message", "Binding"},
            .rex = Rex{"Message", "Consumer =\\s+(?<consumer>[^;|^$]+)", "consumer"},
            .default_exclusions = {{"consumer",
                                    "NTEventLogEventConsumer=\"SCM Event Log Consumer\""}},
            .output = Stats{.by = {"ComputerName", "consumer", "Message"}},
            .renames = {{"ComputerName", "dest"}},
            .finding = "consumer",
            .mitre = "T1047",
            .risk_score = 25,
            .fields = {{"host", "ComputerName"},
                       {"consumer", "consumer"},
                       {"message", "Message"},
                       {"namespace", "Namespace"},
                       {"filter", "ESS"},
                       {"possible_cause", "PossibleCause"}},
        },
    };
    return table;
}

} // namespace wmihunt
