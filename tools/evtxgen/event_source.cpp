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

// Sets field `name` of e's kind, when that kind's layout has it (layouts differ by schema).
void set_named(Event& e, std::string_view name, VT type, std::string_view text,
               std::uint64_t number = 0) {
    const int i = field_index(*e.spec, name);
    if (i < 0)
        return;
    Value& v = e.values[static_cast<std::size_t>(i)];
    v.type = type;
    v.number = number;
    v.text.assign(text.data(), text.size());
}

void set_named(Event& e, std::string_view name, std::string_view text) {
    set_named(e, name, VT::String, text);
}

std::string random_guid(Rng& rng) {
    return fmt::format("{{{:08x}-{:04x}-{:04x}-{:04x}-{:012x}}}", rng.next() >> 32,
                       rng.below(0x10000), rng.below(0x10000), rng.below(0x10000),
                       rng.next() & 0xFFFFFFFFFFFFULL);
}

struct ProcessImage {
    std::string_view image;
    std::string_view command_line;
    std::string_view description;
};

const std::vector<ProcessImage> kProcessImages = {
    {"C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p",
     "Host Process for Windows Services"},
    {"C:\\Windows\\System32\\conhost.exe",
     "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1", "Console Window Host"},
    {"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
     "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer",
     "Google Chrome"},
    {"C:\\Windows\\System32\\taskhostw.exe", "taskhostw.exe", "Host Process for Windows Tasks"},
    {"C:\\Windows\\System32\\wbem\\WmiPrvSE.exe",
     "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", "WMI Provider Host"},
};

// A network connection: ports 19, 20 and 21 are frequent on purpose (chargen, ftp-data,
// ftp): as UInt16 values their bytes equal the WMI event ids a record screen looks for.
struct Port {
    std::uint16_t number;
    std::string_view name;
};
const std::vector<Port> kPorts = {
    {443, "https"},         {80, "http"}, {445, "microsoft-ds"}, {53, "domain"},   {19, "chargen"},
    {20, "ftp-data"},       {21, "ftp"},  {21, "ftp"},           {20, "ftp-data"}, {19, "chargen"},
    {3389, "ms-wbt-server"}};

// Sysmon's default values: process, network and file noise, and Windows' own SCM WMI
// subscription for 19/20/21. Fields a schema lacks are skipped.
void fill_sysmon(const EventSpec& spec, std::uint64_t time, Rng& rng, Event& e) {
    for (std::size_t i = 0; i < spec.fields.size(); ++i) {
        e.values[i].type = spec.fields[i].type;
        e.values[i].number = 0;
        e.values[i].text.clear();
        if (spec.fields[i].type == VT::Guid)
            e.values[i].text = "{00000000-0000-0000-0000-000000000000}";
    }
    // Sysmon 13 and later write "-" for an empty RuleName, older versions an empty string.
    set_named(e, "RuleName", spec.sysmon_schema == "4.90" ? "-" : "");
    set_named(e, "UtcTime", utc_time_text(time));
    const std::string user = fmt::format("CORP\\{}", rng.pick(kUsers));
    switch (spec.event_id) {
    case 1: {
        const auto& p = rng.pick(kProcessImages);
        set_named(e, "ProcessGuid", VT::Guid, random_guid(rng));
        set_named(e, "ProcessId", VT::UInt32, {}, rng.between(300, 20000));
        set_named(e, "Image", p.image);
        set_named(e, "FileVersion", "10.0.19041.1 (WinBuild.160101.0800)");
        set_named(e, "Description", p.description);
        set_named(e, "Product", "Microsoft\u00ae Windows\u00ae Operating System");
        set_named(e, "Company", "Microsoft Corporation");
        set_named(e, "OriginalFileName", p.image.substr(p.image.rfind('\\') + 1));
        set_named(e, "CommandLine", p.command_line);
        set_named(e, "CurrentDirectory", "C:\\Windows\\system32\\");
        set_named(e, "User", user);
        set_named(e, "LogonGuid", VT::Guid, random_guid(rng));
        set_named(e, "LogonId", VT::HexInt64, {}, 0x10000 + rng.below(0xFFFFFF));
        set_named(e, "TerminalSessionId", VT::UInt32, {}, 1);
        set_named(e, "IntegrityLevel", "Medium");
        set_named(e, "Hashes",
                  fmt::format("SHA256={:016X}{:016X}{:016X}{:016X}", rng.next(), rng.next(),
                              rng.next(), rng.next()));
        set_named(e, "ParentProcessGuid", VT::Guid, random_guid(rng));
        set_named(e, "ParentProcessId", VT::UInt32, {}, rng.between(300, 20000));
        set_named(e, "ParentImage", "C:\\Windows\\explorer.exe");
        set_named(e, "ParentCommandLine", "C:\\Windows\\Explorer.EXE");
        set_named(e, "ParentUser", user);
        break;
    }
    case 3: {
        const auto& p = rng.pick(kProcessImages);
        const auto& port = rng.pick(kPorts);
        set_named(e, "ProcessGuid", VT::Guid, random_guid(rng));
        set_named(e, "ProcessId", VT::UInt32, {}, rng.between(300, 20000));
        set_named(e, "Image", p.image);
        set_named(e, "User", user);
        set_named(e, "Protocol", port.number == 53 ? "udp" : "tcp");
        set_named(e, "Initiated", VT::Bool, {}, rng.chance(900) ? 1 : 0);
        set_named(e, "SourceIsIpv6", VT::Bool, {}, 0);
        set_named(e, "SourceIp", fmt::format("10.1.{}.{}", rng.below(256), 1 + rng.below(254)));
        set_named(e, "SourceHostname", e.computer);
        set_named(e, "SourcePort", VT::UInt16, {}, 49152 + rng.below(16384));
        set_named(e, "DestinationIsIpv6", VT::Bool, {}, 0);
        set_named(e, "DestinationIp",
                  fmt::format("{}.{}.{}.{}", 20 + rng.below(180), rng.below(256), rng.below(256),
                              1 + rng.below(254)));
        set_named(e, "DestinationPort", VT::UInt16, {}, port.number);
        set_named(e, "DestinationPortName", port.name);
        break;
    }
    case 11: {
        const auto& p = rng.pick(kProcessImages);
        set_named(e, "ProcessGuid", VT::Guid, random_guid(rng));
        set_named(e, "ProcessId", VT::UInt32, {}, rng.between(300, 20000));
        set_named(e, "Image", p.image);
        set_named(e, "TargetFilename",
                  fmt::format("C:\\Users\\{}\\AppData\\Local\\Temp\\tmp{:04X}.tmp", user.substr(5),
                              rng.below(0x10000)));
        set_named(e, "CreationUtcTime", utc_time_text(time));
        set_named(e, "User", user);
        break;
    }
    default: // 19, 20, 21: Windows' SCM Event Log subscription, created by SYSTEM
        set_named(e, "Operation", "Created");
        set_named(e, "User", "NT AUTHORITY\\SYSTEM");
        if (spec.event_id == 19) {
            set_named(e, "EventType", "WmiFilterEvent");
            set_named(e, "EventNamespace", " \"root\\\\cimv2\"");
            set_named(e, "Name", " \"SCM Event Log Filter\"");
            set_named(e, "Query", " \"select * from MSFT_SCMEventLogEvent\"");
        } else if (spec.event_id == 20) {
            set_named(e, "EventType", "WmiConsumerEvent");
            set_named(e, "Name", " \"SCM Event Log Consumer\"");
            set_named(e, "Type", "Log File");
            set_named(e, "Destination", " \"Service Control Manager\"");
        } else {
            set_named(e, "EventType", "WmiBindingEvent");
            set_named(e, "Consumer",
                      " \"\\\\\\\\.\\\\ROOT\\\\subscription:NTEventLogEventConsumer.Name=\\\"SCM "
                      "Event Log Consumer\\\"\"");
            set_named(e, "Filter",
                      " \"\\\\\\\\.\\\\ROOT\\\\subscription:__EventFilter.Name=\\\"SCM Event Log "
                      "Filter\\\"\"");
        }
        break;
    }
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
    } else if (spec.provider == &kSysmon) {
        fill_sysmon(spec, time, rng, e);
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
