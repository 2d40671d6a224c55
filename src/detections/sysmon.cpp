// detections/sysmon: Splunk ESCU's analytics on Sysmon's WMI events (19, 20, 21).
#include "wmihunt/detection.hpp"

namespace wmihunt {

const std::vector<Detection>& sysmon_detections() {
    static const std::vector<Detection> table = {
        {
            .name = "sysmon-persistence",
            .title = "Detect WMI Event Subscription Persistence",
            .splunk_id = "01d9a0c2-cece-11eb-ab46-acde48001122",
            .search = "`sysmon` EventID=20 | stats count min(_time) as firstTime max(_time) as "
                      "lastTime by Computer User Destination | rename Computer as dest",
            .provider = "Microsoft-Windows-Sysmon",
            .event_ids = {20},
            .output = Stats{.by = {"Computer", "User", "Destination"}},
            .renames = {{"Computer", "dest"}},
            .finding = "Destination",
            .mitre = "T1546.003",
            .risk_score = 63,
            .fields = {{"host", "Computer"},
                       {"user", "User"},
                       {"destination", "Destination"},
                       {"consumer_name", "Name"},
                       {"consumer_type", "Type"},
                       {"operation", "Operation"}},
        },
        {
            .name = "permanent-sysmon",
            .title = "WMI Permanent Event Subscription - Sysmon",
            .splunk_id = "ad05aae6-3b2a-4f73-af97-57bd26cee3b9",
            .search = "`sysmon` EventCode=21 | rename host as dest | table _time, dest, user, "
                      "Operation, EventType, Query, Consumer, Filter",
            .provider = "Microsoft-Windows-Sysmon",
            .event_ids = {21},
            .output = Table{.fields = {"_time", "host", "User", "Operation", "EventType", "Query",
                                       "Consumer", "Filter"}},
            // Splunk's Sysmon add-on calls the User field `user`.
            .renames = {{"host", "dest"}, {"User", "user"}},
            .finding = "Consumer",
            .mitre = "T1546.003",
            .risk_score = 30,
            .fields = {{"host", "Computer"},
                       {"user", "User"},
                       {"consumer", "Consumer"},
                       {"filter", "Filter"},
                       {"operation", "Operation"}},
        },
    };
    return table;
}

} // namespace wmihunt
