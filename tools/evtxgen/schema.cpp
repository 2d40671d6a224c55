// schema.cpp: the catalog of providers and event kinds evtxgen writes (System values, data fields).
#include "schema.hpp"

#include <stdexcept>

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

// Sysmon's EventData layouts, field for field as each version's manifest declares them
// (inType win:UnicodeString -> String, win:GUID -> Guid, win:UInt32 -> UInt32, win:UInt16 ->
// UInt16, win:Boolean -> Bool, win:HexInt64 -> HexInt64). Sources:
//  - 4.90 (Sysmon 15): `sysmon -s` dump, darkoperator/vscode-sysmon
//    schema/manifests/windows/sysmon-4.90.xml (event 1 ends with ParentUser, 11 with User).
//  - 4.20 (Sysmon 8-9): `sysmon -s` dump of binary 8.00 (schemaversion 4.2): RuleName first,
//    no OriginalFileName/ParentUser; the same layout as the real log
//    ../shared/evtx-samples/sysmon/Sysmon-19-20-21_CommandLineEventConsumer.evtx (events 1,
//    19, 20, 21, read with python-evtx).
//  - 4.00 (Sysmon 7): the manifest's event templates as mc.exe generated them,
//    n0dec/MalwLess src/SysmonProvider_v7.cs: no RuleName anywhere.
// The WMI events 19/20/21 differ only by RuleName; every version writes them as event
// version 3, event 1 and 3 as version 5, event 11 as version 2; Task = the event id, Level 4,
// Opcode 0, Keywords 0x8000000000000000 (the EventDescriptors of the same sources and the real
// logs); strings carry no NUL terminator (real logs).
std::vector<FieldSpec> sysmon_fields(int event_id, std::string_view schema) {
    const bool has_rule_name = schema != "4.00";
    const bool v490 = schema == "4.90";
    std::vector<FieldSpec> f;
    if (has_rule_name)
        f.push_back({"RuleName", VT::String});
    auto s = [&](std::string_view name) { f.push_back({name, VT::String}); };
    auto t = [&](std::string_view name, VT type) { f.push_back({name, type}); };
    switch (event_id) {
    case 1:
        s("UtcTime");
        t("ProcessGuid", VT::Guid);
        t("ProcessId", VT::UInt32);
        s("Image");
        s("FileVersion");
        s("Description");
        s("Product");
        s("Company");
        if (v490)
            s("OriginalFileName");
        s("CommandLine");
        s("CurrentDirectory");
        s("User");
        t("LogonGuid", VT::Guid);
        t("LogonId", VT::HexInt64);
        t("TerminalSessionId", VT::UInt32);
        s("IntegrityLevel");
        s("Hashes");
        t("ParentProcessGuid", VT::Guid);
        t("ParentProcessId", VT::UInt32);
        s("ParentImage");
        s("ParentCommandLine");
        if (v490)
            s("ParentUser");
        break;
    case 3:
        s("UtcTime");
        t("ProcessGuid", VT::Guid);
        t("ProcessId", VT::UInt32);
        s("Image");
        s("User");
        s("Protocol");
        t("Initiated", VT::Bool);
        t("SourceIsIpv6", VT::Bool);
        s("SourceIp");
        s("SourceHostname");
        t("SourcePort", VT::UInt16);
        s("SourcePortName");
        t("DestinationIsIpv6", VT::Bool);
        s("DestinationIp");
        s("DestinationHostname");
        t("DestinationPort", VT::UInt16);
        s("DestinationPortName");
        break;
    case 11:
        s("UtcTime");
        t("ProcessGuid", VT::Guid);
        t("ProcessId", VT::UInt32);
        s("Image");
        s("TargetFilename");
        s("CreationUtcTime");
        if (v490)
            s("User");
        break;
    case 19:
        for (auto n :
             {"EventType", "UtcTime", "Operation", "User", "EventNamespace", "Name", "Query"})
            s(n);
        break;
    case 20:
        for (auto n : {"EventType", "UtcTime", "Operation", "User", "Name", "Type", "Destination"})
            s(n);
        break;
    case 21:
        for (auto n : {"EventType", "UtcTime", "Operation", "User", "Consumer", "Filter"})
            s(n);
        break;
    default:
        throw std::logic_error("no Sysmon layout for this event id");
    }
    return f;
}

void add_sysmon_specs(std::vector<EventSpec>& specs) {
    struct Kind {
        std::string_view name;
        std::uint16_t id;
        std::uint8_t version;
    };
    constexpr Kind kinds[] = {{"sysmon1", 1, 5},   {"sysmon3", 3, 5},   {"sysmon11", 11, 2},
                              {"sysmon19", 19, 3}, {"sysmon20", 20, 3}, {"sysmon21", 21, 3}};
    for (std::string_view schema : kSysmonSchemas)
        for (const Kind& k : kinds)
            specs.push_back({k.name,
                             &kSysmon,
                             k.id,
                             -1,
                             k.version,
                             4,
                             k.id,
                             0,
                             kSysmonKeywords,
                             DataStyle::EventData,
                             {},
                             {},
                             sysmon_fields(k.id, schema),
                             {},
                             schema});
}

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
    add_sysmon_specs(specs);
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

const EventSpec* find_event_spec(std::string_view kind, std::string_view sysmon_schema) {
    for (const auto& s : event_specs())
        if (s.kind == kind && s.sysmon_schema == sysmon_schema)
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
