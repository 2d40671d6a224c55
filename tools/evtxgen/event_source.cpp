// event_source.cpp: realistic default values for each event kind (what Windows hosts log).
#include "event_source.hpp"

#include <fmt/format.h>

#include <string>
#include <vector>

namespace evtxgen {
namespace {

using VT = ValueType;

void set_string(Event& e, std::size_t i, std::string_view s) {
    Value& v = e.values[i];
    v.type = VT::String;
    v.number = 0;
    v.text.assign(s.data(), s.size());
}

void set_number(Event& e, std::size_t i, VT type, std::uint64_t n) {
    Value& v = e.values[i];
    v.type = type;
    v.number = n;
    v.text.clear();
}

void set_typed(Event& e, std::size_t i, VT type, std::string_view s) {
    set_string(e, i, s);
    e.values[i].type = type;
}

struct ProviderStart {
    std::string_view name;
    std::string_view host_process;
    std::string_view path;
};

const std::vector<ProviderStart> kProviderStarts = {
    {"CIMWin32", "wmiprvse.exe", "%systemroot%\\system32\\wbem\\cimwin32.dll"},
    {"WMIProv", "wmiprvse.exe", "%systemroot%\\system32\\wbem\\wmiprov.dll"},
    {"MS_NT_EVENTLOG_PROVIDER", "wmiprvse.exe", "%systemroot%\\system32\\wbem\\ntevt.dll"},
    {"SCM Event Provider", "svchost.exe", "%systemroot%\\system32\\wbem\\scmevtprov.dll"},
    {"Msft_ProviderSubSystem", "wmiprvse.exe", "%systemroot%\\system32\\wbem\\wmiprvsd.dll"},
    {"PowerShellV2", "wmiprvse.exe", "%windir%\\system32\\WindowsPowerShell\\v1.0\\pwshplugin.dll"},
};

const std::vector<std::string_view> kClientOperations = {
    "Start IWbemServices::CreateInstanceEnum - root\\wmi : MS_SM_AdapterInformation",
    "Start IWbemServices::ExecQuery - ROOT\\CIMV2 : SELECT * FROM Win32_Service WHERE "
    "Name='wuauserv'",
    "Start IWbemServices::GetObject - root\\cimv2 : "
    "Win32_TSGeneralSetting.TerminalName=\"RDP-Tcp\"",
    "Start IWbemServices::ExecMethod - ROOT\\Microsoft\\Windows\\Storage : "
    "MSFT_Disk::GetSupportedSize",
};

const std::vector<std::string_view> kServices = {
    "Windows Update",
    "Background Intelligent Transfer Service",
    "Windows Modules Installer",
    "Delivery Optimization",
    "Microsoft Defender Antivirus Service",
    "WinHTTP Web Proxy Auto-Discovery Service",
    "Windows Error Reporting Service",
    "Network Setup Service",
    "Software Protection",
    "Print Spooler",
};
const std::vector<std::string_view> kServiceKeys = {
    "wuauserv", "BITS",        "TrustedInstaller", "DoSvc",   "WinDefend", "WinHttpAutoProxySvc",
    "WerSvc",   "NetSetupSvc", "sppsvc",           "Spooler",
};

const std::vector<std::string_view> kUsers = {"alice", "bob",  "carol", "svc_backup",
                                              "dave",  "erin", "frank", "svc_sql"};

std::string utc_time_text(std::uint64_t ticks) {
    // Sysmon's UtcTime: "YYYY-MM-DD HH:MM:SS.mmm"
    std::string s = filetime_seconds(ticks);
    s[10] = ' ';
    return fmt::format("{}.{:03}", s, ticks % 10'000'000 / 10'000);
}

} // namespace

std::string binding_possible_cause(std::string_view filter_name, std::string_view filter_query,
                                   std::string_view consumer_class, std::string_view consumer_name,
                                   std::string_view consumer_body) {
    return fmt::format(
        "Binding EventFilter: \ninstance of __EventFilter\n{{\n\tCreatorSID = {{1, 2, "
        "0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 32, 2, 0, 0}};\n\tEventNamespace = "
        "\"root\\\\cimv2\";\n\tName = \"{}\";\n\tQuery = \"{}\";\n\tQueryLanguage = "
        "\"WQL\";\n}};\nPerm. Consumer: \ninstance of {}\n{{\n\tCreatorSID = {{1, 2, 0, "
        "0, 0, 0, 0, 5, 32, 0, 0, 0, 32, 2, 0, 0}};\n\tName = \"{}\";\n{}}};\n",
        filter_name, filter_query, consumer_class, consumer_name, consumer_body);
}

void fill_default_event(const EventSpec& spec, std::string_view computer, std::uint64_t time,
                        Rng& rng, Event& e) {
    e.spec = &spec;
    e.computer.assign(computer.data(), computer.size());
    e.time_created = time;
    e.process_id = static_cast<std::uint32_t>(rng.between(4, 9000) * 4);
    e.thread_id = static_cast<std::uint32_t>(rng.between(4, 9000) * 4);
    e.activity_id.clear();
    e.user_sid.assign("S-1-5-18");
    e.values.resize(spec.fields.size());
    const std::string_view k = spec.kind;
    if (k == "wmi5857") {
        const auto& p = rng.pick(kProviderStarts);
        set_string(e, 0, p.name);
        set_number(e, 1, VT::HexInt32, 0);
        set_string(e, 2, p.host_process);
        set_number(e, 3, VT::UInt32, rng.between(300, 9000));
        set_string(e, 4, p.path);
        e.user_sid.assign("S-1-5-20");
    } else if (k == "wmi5858") {
        set_string(e, 0, "{00000000-0000-0000-0000-000000000000}");
        set_string(e, 1, computer);
        set_string(e, 2, "NT AUTHORITY\\SYSTEM");
        set_number(e, 3, VT::UInt32, rng.between(300, 9000));
        set_string(e, 4, "Unknown");
        set_string(e, 5, rng.pick(kClientOperations));
        set_number(e, 6, VT::HexInt32, rng.chance(500) ? 0x8004100c : 0x80041002);
        set_string(e, 7, "Unknown");
        e.activity_id =
            fmt::format("{{{:08x}-{:04x}-0000-{:04x}-{:012x}}}", rng.next() >> 32,
                        rng.below(0x10000), rng.below(0x10000), rng.next() & 0xFFFFFFFFFFFFULL);
    } else if (k == "wmi5859") {
        set_string(e, 0, "//./root/CIMV2");
        set_string(e, 1, "select * from MSFT_SCMEventLogEvent");
        set_string(e, 2, "S-1-5-32-544");
        set_number(e, 3, VT::UInt32, rng.between(300, 2000));
        set_string(e, 4, "SCM Event Provider");
        set_number(e, 5, VT::UInt32, 0);
        set_string(e, 6, "Permanent");
    } else if (k == "wmi5860") {
        if (rng.chance(500)) {
            set_string(e, 0, "ROOT\\SecurityCenter2");
            set_string(e, 1, kSecurityCenterQuery);
            set_string(e, 2, "NT AUTHORITY\\LOCAL SERVICE");
        } else {
            set_string(e, 0, "ROOT\\CIMV2");
            set_string(e, 1, kWsmprovhostQuery);
            set_string(e, 2, "");
        }
        set_number(e, 3, VT::UInt32, rng.between(300, 9000));
        set_string(e, 4, computer);
        set_string(e, 5, "Temporary");
    } else if (k == "wmi5861") {
        set_string(e, 0, "//./root/subscription");
        set_string(e, 1, "SCM Event Log Filter");
        set_string(e, 2, kScmConsumer);
        set_string(
            e, 3,
            binding_possible_cause("SCM Event Log Filter", "select * from MSFT_SCMEventLogEvent",
                                   "NTEventLogEventConsumer", "SCM Event Log Consumer",
                                   "\tCategory = 0;\n\tEventType = 1;\n\tNameOfUserSIDProperty "
                                   "= \"sid\";\n\tSourceName = \"Service Control Manager\";\n"));
    } else if (k == "sysmon19" || k == "sysmon20" || k == "sysmon21") {
        set_string(e, 0, "");
        set_string(e, 2, utc_time_text(time));
        set_string(e, 3, "Created");
        set_string(e, 4, "NT AUTHORITY\\SYSTEM");
        if (k == "sysmon19") {
            set_string(e, 1, "WmiFilterEvent");
            set_string(e, 5, " \"root\\\\cimv2\"");
            set_string(e, 6, " \"SCM Event Log Filter\"");
            set_string(e, 7, " \"select * from MSFT_SCMEventLogEvent\"");
        } else if (k == "sysmon20") {
            set_string(e, 1, "WmiConsumerEvent");
            set_string(e, 5, " \"SCM Event Log Consumer\"");
            set_string(e, 6, "Log File");
            set_string(e, 7, " \"Service Control Manager\"");
        } else {
            set_string(e, 1, "WmiBindingEvent");
            set_string(e, 5,
                       " \"\\\\\\\\.\\\\ROOT\\\\subscription:NTEventLogEventConsumer.Name=\\\"SCM "
                       "Event Log Consumer\\\"\"");
            set_string(e, 6,
                       " \"\\\\\\\\.\\\\ROOT\\\\subscription:__EventFilter.Name=\\\"SCM Event Log "
                       "Filter\\\"\"");
        }
    } else if (k == "security4624") {
        e.user_sid.clear();
        const bool network = rng.chance(600);
        const auto user = rng.pick(kUsers);
        set_typed(e, 0, VT::Sid, network ? "S-1-0-0" : "S-1-5-18");
        set_string(e, 1, network ? "-" : "SYSTEM");
        set_string(e, 2, network ? "-" : "NT AUTHORITY");
        set_number(e, 3, VT::HexInt64, network ? 0 : 0x3e7);
        const auto rid = 1100 + rng.below(400);
        set_typed(e, 4, VT::Sid, fmt::format("S-1-5-21-3623811015-3361044348-30300820-{}", rid));
        set_string(e, 5, user);
        set_string(e, 6, "CORP");
        set_number(e, 7, VT::HexInt64, rng.below(0xFFFFFFF) + 0x10000);
        set_number(e, 8, VT::UInt32, network ? 3 : (rng.chance(500) ? 2 : 5));
        set_string(e, 9, network ? "NtLmSsp " : "User32 ");
        set_string(e, 10, network ? "NTLM" : "Negotiate");
        set_string(e, 11, computer);
        set_typed(e, 12, VT::Guid, "{00000000-0000-0000-0000-000000000000}");
        set_string(e, 13, "-");
        set_string(e, 14, network ? "NTLM V2" : "-");
        set_number(e, 15, VT::UInt32, network ? 128 : 0);
        set_number(e, 16, VT::HexInt64, network ? 0 : 0x2f0 + rng.below(0x400));
        set_string(e, 17, network ? "-" : "C:\\Windows\\System32\\svchost.exe");
        const std::string ip =
            fmt::format("10.{}.{}.{}", rng.below(256), rng.below(256), 1 + rng.below(254));
        set_string(e, 18, network ? std::string_view(ip) : std::string_view("-"));
        set_string(e, 19, network ? "49" + std::to_string(100 + rng.below(900)) : "-");
        set_string(e, 20, "%%1833");
        set_string(e, 21, "-");
        set_string(e, 22, "-");
        set_string(e, 23, "-");
        set_string(e, 24, "%%1843");
        set_number(e, 25, VT::HexInt64, 0);
        set_string(e, 26, "%%1842");
        e.process_id = 712;
    } else if (k == "system7036") {
        const std::size_t s = static_cast<std::size_t>(rng.below(kServices.size()));
        set_string(e, 0, kServices[s]);
        set_string(e, 1, rng.chance(500) ? "running" : "stopped");
        // Binary: the service key name as UTF-16LE with "/<state>" and a NUL, as SCM logs it.
        std::string bin;
        const std::string key = fmt::format("{}/{}", kServiceKeys[s], rng.below(2) + 1);
        for (char c : key) {
            bin.push_back(c);
            bin.push_back('\0');
        }
        bin.append(2, '\0');
        set_typed(e, 2, VT::Binary, bin);
        e.user_sid.clear();
        e.process_id = 700 + static_cast<std::uint32_t>(rng.below(100)) * 4;
    } else if (k == "other5860") {
        set_string(e, 0,
                   "Provider::DecoupledRegistration - NotificationQuery = SELECT * FROM "
                   "__InstanceCreationEvent; PossibleCause = Temporary");
        e.user_sid.clear();
    } else {
        for (std::size_t i = 0; i < spec.fields.size(); ++i)
            set_string(e, i, "");
    }
}

} // namespace evtxgen
