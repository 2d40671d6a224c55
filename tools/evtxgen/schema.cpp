// schema.cpp: the catalog of providers and event kinds evtxgen writes (System values, data fields).
#include "schema.hpp"

namespace evtxgen {

const ProviderSpec kWmiActivity{"Microsoft-Windows-WMI-Activity",
                                "{1418ef04-b0b4-4623-bf7e-d74ab47bbdaa}",
                                "Microsoft-Windows-WMI-Activity/Operational", true};
const ProviderSpec kSysmon{"Microsoft-Windows-Sysmon", "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}",
                           "Microsoft-Windows-Sysmon/Operational", false};
const ProviderSpec kSecurity{"Microsoft-Windows-Security-Auditing",
                             "{54849625-5478-4994-a5ba-3e3b0328c30d}", "Security", true};
const ProviderSpec kServiceControlManager{
    "Service Control Manager", "{555908d1-a6d7-4695-8e1e-26931d2012f4}", "System", false};
// The classic WMI provider: a different provider that also logs an event id 5860.
const ProviderSpec kWmiClassic{"Microsoft-Windows-WMI", "{1edeee53-0afe-4609-b846-d8c0b2075b1f}",
                               "Application", false};

namespace {

constexpr std::string_view kWmiNs = "http://manifests.microsoft.com/win/2006/windows/WMI";
constexpr std::uint64_t kWmiKeywords = 0x4000000000000000;
constexpr std::uint64_t kSysmonKeywords = 0x8000000000000000;

using VT = ValueType;

std::vector<EventSpec> build() {
    std::vector<EventSpec> specs;
    specs.push_back({"wmi5857",
                     &kWmiActivity,
                     5857,
                     -1,
                     0,
                     0,
                     0,
                     0,
                     kWmiKeywords,
                     DataStyle::UserData,
                     "Operation_StartedOperational",
                     kWmiNs,
                     {{"ProviderName", VT::String},
                      {"Code", VT::HexInt32},
                      {"HostProcess", VT::String},
                      {"ProcessID", VT::UInt32},
                      {"ProviderPath", VT::String}},
                     "%1 provider started with result code %2. HostProcess = %3; ProcessID = %4; "
                     "ProviderPath = %5"});
    specs.push_back({"wmi5858",
                     &kWmiActivity,
                     5858,
                     -1,
                     0,
                     2,
                     0,
                     0,
                     kWmiKeywords,
                     DataStyle::UserData,
                     "Operation_ClientFailure",
                     kWmiNs,
                     {{"Id", VT::String},
                      {"ClientMachine", VT::String},
                      {"User", VT::String},
                      {"ClientProcessId", VT::UInt32},
                      {"Component", VT::String},
                      {"Operation", VT::String},
                      {"ResultCode", VT::HexInt32},
                      {"PossibleCause", VT::String}},
                     "Id = %1; ClientMachine = %2; User = %3; ClientProcessId = %4; Component = "
                     "%5; Operation = %6; ResultCode = %7; PossibleCause = %8"});
    specs.push_back({"wmi5859",
                     &kWmiActivity,
                     5859,
                     -1,
                     0,
                     0,
                     0,
                     0,
                     kWmiKeywords,
                     DataStyle::UserData,
                     "Operation_EssStarted",
                     kWmiNs,
                     {{"NamespaceName", VT::String},
                      {"Query", VT::String},
                      {"User", VT::String},
                      {"Processid", VT::UInt32},
                      {"Provider", VT::String},
                      {"queryid", VT::UInt32},
                      {"PossibleCause", VT::String}},
                     "Namespace = %1; NotificationQuery = %2; OwnerName = %3; HostProcessID = %4;  "
                     "Provider= %5, queryID = %6; PossibleCause = %7"});
    specs.push_back({"wmi5860",
                     &kWmiActivity,
                     5860,
                     -1,
                     0,
                     0,
                     0,
                     0,
                     kWmiKeywords,
                     DataStyle::UserData,
                     "Operation_TemporaryEssStarted",
                     kWmiNs,
                     {{"NamespaceName", VT::String},
                      {"Query", VT::String},
                      {"User", VT::String},
                      {"Processid", VT::UInt32},
                      {"ClientMachine", VT::String},
                      {"PossibleCause", VT::String}},
                     "Namespace = %1; NotificationQuery = %2; UserName = %3; ClientProcessID = %4, "
                     "ClientMachine = %5; PossibleCause = %6"});
    specs.push_back({"wmi5861",
                     &kWmiActivity,
                     5861,
                     -1,
                     0,
                     0,
                     0,
                     0,
                     kWmiKeywords,
                     DataStyle::UserData,
                     "Operation_ESStoConsumerBinding",
                     kWmiNs,
                     {{"Namespace", VT::String},
                      {"ESS", VT::String},
                      {"CONSUMER", VT::String},
                      {"PossibleCause", VT::String}},
                     "Namespace = %1; Eventfilter = %2 (refer to its activate eventid:5859); "
                     "Consumer = %3; PossibleCause = %4"});
    specs.push_back({"sysmon19",
                     &kSysmon,
                     19,
                     -1,
                     3,
                     4,
                     19,
                     0,
                     kSysmonKeywords,
                     DataStyle::EventData,
                     {},
                     {},
                     {{"RuleName", VT::String},
                      {"EventType", VT::String},
                      {"UtcTime", VT::String},
                      {"Operation", VT::String},
                      {"User", VT::String},
                      {"EventNamespace", VT::String},
                      {"Name", VT::String},
                      {"Query", VT::String}},
                     {}});
    specs.push_back({"sysmon20",
                     &kSysmon,
                     20,
                     -1,
                     3,
                     4,
                     20,
                     0,
                     kSysmonKeywords,
                     DataStyle::EventData,
                     {},
                     {},
                     {{"RuleName", VT::String},
                      {"EventType", VT::String},
                      {"UtcTime", VT::String},
                      {"Operation", VT::String},
                      {"User", VT::String},
                      {"Name", VT::String},
                      {"Type", VT::String},
                      {"Destination", VT::String}},
                     {}});
    specs.push_back({"sysmon21",
                     &kSysmon,
                     21,
                     -1,
                     3,
                     4,
                     21,
                     0,
                     kSysmonKeywords,
                     DataStyle::EventData,
                     {},
                     {},
                     {{"RuleName", VT::String},
                      {"EventType", VT::String},
                      {"UtcTime", VT::String},
                      {"Operation", VT::String},
                      {"User", VT::String},
                      {"Consumer", VT::String},
                      {"Filter", VT::String}},
                     {}});
    specs.push_back({"security4624",
                     &kSecurity,
                     4624,
                     -1,
                     2,
                     0,
                     12544,
                     0,
                     0x8020000000000000,
                     DataStyle::EventData,
                     {},
                     {},
                     {{"SubjectUserSid", VT::Sid},
                      {"SubjectUserName", VT::String},
                      {"SubjectDomainName", VT::String},
                      {"SubjectLogonId", VT::HexInt64},
                      {"TargetUserSid", VT::Sid},
                      {"TargetUserName", VT::String},
                      {"TargetDomainName", VT::String},
                      {"TargetLogonId", VT::HexInt64},
                      {"LogonType", VT::UInt32},
                      {"LogonProcessName", VT::String},
                      {"AuthenticationPackageName", VT::String},
                      {"WorkstationName", VT::String},
                      {"LogonGuid", VT::Guid},
                      {"TransmittedServices", VT::String},
                      {"LmPackageName", VT::String},
                      {"KeyLength", VT::UInt32},
                      {"ProcessId", VT::HexInt64},
                      {"ProcessName", VT::String},
                      {"IpAddress", VT::String},
                      {"IpPort", VT::String},
                      {"ImpersonationLevel", VT::String},
                      {"RestrictedAdminMode", VT::String},
                      {"TargetOutboundUserName", VT::String},
                      {"TargetOutboundDomainName", VT::String},
                      {"VirtualAccount", VT::String},
                      {"TargetLinkedLogonId", VT::HexInt64},
                      {"ElevatedToken", VT::String}},
                     {}});
    specs.push_back({"system7036",
                     &kServiceControlManager,
                     7036,
                     16384,
                     0,
                     4,
                     0,
                     0,
                     0x8080000000000000,
                     DataStyle::EventData,
                     {},
                     {},
                     {{"param1", VT::String}, {"param2", VT::String}, {"Binary", VT::Binary, true}},
                     {}});
    specs.push_back({"other5860",
                     &kWmiClassic,
                     5860,
                     0,
                     0,
                     4,
                     0,
                     0,
                     0x80000000000000,
                     DataStyle::EventData,
                     {},
                     {},
                     {{"param1", VT::String}},
                     {}});
    return specs;
}

} // namespace

const std::vector<EventSpec>& event_specs() {
    static const std::vector<EventSpec> specs = build();
    return specs;
}

const EventSpec* find_event_spec(std::string_view kind) {
    for (const auto& s : event_specs())
        if (s.kind == kind)
            return &s;
    return nullptr;
}

int field_index(const EventSpec& spec, std::string_view name) {
    for (std::size_t i = 0; i < spec.fields.size(); ++i)
        if (spec.fields[i].name == name)
            return static_cast<int>(i);
    return -1;
}

} // namespace evtxgen
