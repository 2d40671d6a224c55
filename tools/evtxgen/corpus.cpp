// corpus.cpp: large benchmark corpora (many realistic log files per host) and their truth files.
#include "corpus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "event_source.hpp"
#include "file_writer.hpp"
#include "manifest.hpp"
#include "rng.hpp"
#include "truth.hpp"

namespace evtxgen {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::uint64_t kTicksPerSecond = 10'000'000;

struct Mix {
    const EventSpec* spec;
    std::uint64_t weight;
};

// A log file to write: its name, size and the kinds of events it holds. Files of one series
// (a channel's archives, oldest first, then the current log) continue each other's times
// and record ids.
struct LogPlan {
    std::string file_name;
    std::uint64_t bytes;
    std::vector<Mix> mix;
    std::uint64_t avg_record_bytes; // measured average, spreads times over the 30-day range
    bool malicious_wmi;             // add this host's attacker subscriptions
    std::uint64_t series_bytes;     // size of the whole series
    bool first_in_series;
};

// Sysmon/Operational of a host running Sysmon schema `schema`: dense process (1), network
// (3) and file (11) events; the WMI events 19/20/21 together 3 in 30,000 records.
std::vector<Mix> sysmon_mix(std::string_view schema) {
    std::vector<Mix> mix;
    const std::pair<std::string_view, std::uint64_t> weights[] = {
        {"sysmon1", 9999}, {"sysmon3", 12000}, {"sysmon11", 7998},
        {"sysmon19", 1},   {"sysmon20", 1},    {"sysmon21", 1}};
    for (const auto& [kind, weight] : weights) {
        const EventSpec* s = find_event_spec(kind, schema);
        if (s == nullptr)
            throw std::logic_error("missing Sysmon kind");
        mix.push_back({s, weight});
    }
    return mix;
}

// Splits `total` bytes of channel log `base` into files of at most `max_file` bytes:
// Archive-<base>-1.evtx ... (oldest) and <base>.evtx (newest), as a collected folder has them.
void add_series(std::vector<LogPlan>& plans, std::string_view base, std::uint64_t total,
                std::uint64_t max_file, const std::vector<Mix>& mix, std::uint64_t avg,
                bool malicious) {
    const std::uint64_t parts = std::max<std::uint64_t>(1, (total + max_file - 1) / max_file);
    std::uint64_t left = total;
    for (std::uint64_t p = 0; p < parts; ++p) {
        const std::uint64_t n = p + 1 == parts ? left : max_file;
        plans.push_back({p + 1 == parts ? fmt::format("{}.evtx", base)
                                        : fmt::format("Archive-{}-{}.evtx", base, p + 1),
                         n, mix, avg, malicious, total, p == 0});
        left -= n;
    }
}

const EventSpec& spec(std::string_view kind) {
    const EventSpec* s = find_event_spec(kind);
    if (s == nullptr)
        throw std::logic_error("missing event kind");
    return *s;
}

std::vector<Mix> wmi_mix() {
    return {{&spec("wmi5857"), 60},
            {&spec("wmi5858"), 25},
            {&spec("wmi5859"), 5},
            {&spec("wmi5860"), 8},
            {&spec("wmi5861"), 2}};
}

const EventSpec& pick(const std::vector<Mix>& mix, Rng& rng) {
    std::uint64_t total = 0;
    for (const auto& m : mix)
        total += m.weight;
    std::uint64_t r = rng.below(total);
    for (const auto& m : mix) {
        if (r < m.weight)
            return *m.spec;
        r -= m.weight;
    }
    return *mix.back().spec;
}

// Attacker activity for one host: a temporary subscription from a remote client and a
// permanent CommandLineEventConsumer running PowerShell (not default-excluded).
void malicious_event(std::size_t host_index, std::uint64_t n, bool permanent, Event& e, Rng& rng) {
    if (!permanent) {
        e.values[0].text = "ROOT\\CIMV2";
        e.values[1].text =
            fmt::format("SELECT * FROM __InstanceCreationEvent WITHIN {} WHERE TargetInstance ISA "
                        "'Win32_Process' AND TargetInstance.Name = 'lsass{}.exe'",
                        5 + host_index % 7, n % 3);
        e.values[2].text = "CORP\\svc_deploy";
        e.values[4].text = fmt::format("10.20.{}.{}", host_index % 250, 10 + rng.below(200));
    } else {
        const std::string consumer = fmt::format("Updater{}", host_index % 5);
        e.values[1].text = "SystemBootTrigger";
        e.values[2].text = fmt::format("CommandLineEventConsumer=\"{}\"", consumer);
        e.values[3].text = binding_possible_cause(
            "SystemBootTrigger",
            "SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE TargetInstance ISA "
            "'Win32_PerfFormattedData_PerfOS_System'",
            "CommandLineEventConsumer", consumer,
            "\tCommandLineTemplate = \"powershell.exe -NoP -W Hidden -Enc "
            "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=\";\n");
    }
}

// Attacker activity in a Sysmon log: host `host_index`'s CommandLineEventConsumer, its
// filter and their binding, created, sometimes modified, deleted; as a domain user.
void malicious_sysmon_event(std::size_t host_index, Event& e, Rng& rng) {
    const std::string consumer = fmt::format("Updater{}", host_index % 5);
    const std::string filter = fmt::format("BootTrigger{}", host_index % 3);
    auto set = [&](std::string_view name, std::string text) {
        const int i = field_index(*e.spec, name);
        if (i >= 0)
            e.values[static_cast<std::size_t>(i)].text = std::move(text);
    };
    const std::uint64_t r = rng.below(10);
    set("Operation", r < 6 ? "Created" : (r < 8 ? "Modified" : "Deleted"));
    set("User", fmt::format("CORP\\adm{}", host_index % 4));
    switch (e.spec->event_id) {
    case 19:
        set("Name", fmt::format(" \"{}\"", filter));
        set("Query", " \"SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE "
                     "TargetInstance ISA 'Win32_PerfFormattedData_PerfOS_System'\"");
        break;
    case 20:
        set("Name", fmt::format(" \"{}\"", consumer));
        set("Type", "Command Line");
        set("Destination",
            fmt::format(" \"powershell.exe -NoP -W Hidden -Enc SQBFAFgA{}\"", host_index % 7));
        break;
    default:
        set("Consumer", fmt::format(" \"CommandLineEventConsumer.Name=\\\"{}\\\"\"", consumer));
        set("Filter", fmt::format(" \"__EventFilter.Name=\\\"{}\\\"\"", filter));
        break;
    }
}

std::string host_name(std::size_t i) {
    return i % 8 == 7 ? fmt::format("SRV-{:03}.corp.example", i) : fmt::format("WKS-{:04}", i);
}

} // namespace

std::uint64_t parse_size(std::string_view text) {
    if (text.empty())
        throw std::invalid_argument("empty size");
    std::uint64_t mult = 1;
    char unit = text.back();
    if (unit == 'K' || unit == 'k')
        mult = 1024;
    else if (unit == 'M' || unit == 'm')
        mult = kMiB;
    else if (unit == 'G' || unit == 'g')
        mult = 1024 * kMiB;
    if (mult != 1)
        text.remove_suffix(1);
    if (text.empty())
        throw std::invalid_argument("invalid size");
    std::uint64_t n = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            throw std::invalid_argument(fmt::format("invalid size '{}'", text));
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n * mult;
}

CorpusProfile parse_profile(std::string_view text) {
    if (text == "triage")
        return CorpusProfile::Triage;
    if (text == "wmi")
        return CorpusProfile::Wmi;
    if (text == "sysmon")
        return CorpusProfile::Sysmon;
    throw std::invalid_argument(fmt::format("unknown profile '{}' (triage, wmi or sysmon)", text));
}

CorpusReport write_corpus(const CorpusOptions& o) {
    if (o.hosts == 0)
        throw std::invalid_argument("--hosts must be at least 1");
    if (o.size < o.hosts * 2 * kChunkSize)
        throw std::invalid_argument("--size too small for that many hosts");
    std::filesystem::create_directories(o.out);
    Rng rng(o.seed);
    TemplateRegistry templates;
    Truth truth;
    CorpusReport report;
    const std::uint64_t t_start = parse_iso_filetime("2024-01-01T00:00:00Z");
    const std::uint64_t span = 30ULL * 86400 * kTicksPerSecond;
    const std::uint64_t per_host = o.size / o.hosts;

    Event e;
    for (std::size_t h = 0; h < o.hosts; ++h) {
        const std::string host = host_name(h);
        std::vector<LogPlan> plans;
        if (o.profile == CorpusProfile::Triage) {
            const std::uint64_t wmi = std::min<std::uint64_t>(kMiB, per_host / 8);
            const std::uint64_t sysmon = per_host / 20;
            const std::uint64_t rest = per_host - wmi - sysmon;
            const std::uint64_t security = rest * 6 / 10;
            add_series(plans, "Microsoft-Windows-WMI-Activity%4Operational", wmi, kMiB, wmi_mix(),
                       715, true);
            // As on a real host: dense process, network and file events, rare WMI ones.
            const std::string_view schema = kSysmonSchemas[h % std::size(kSysmonSchemas)];
            add_series(plans, "Microsoft-Windows-Sysmon%4Operational", sysmon, 100 * kMiB,
                       sysmon_mix(schema), 900, false);
            add_series(plans, "Security", security, 100 * kMiB, {{&spec("security4624"), 1}}, 770,
                       false);
            add_series(plans, "System", rest - security, 100 * kMiB, {{&spec("system7036"), 1}},
                       390, false);
        } else if (o.profile == CorpusProfile::Sysmon) {
            // Hosts run different Sysmon versions, so a corpus mixes the schema layouts.
            const std::string_view schema = kSysmonSchemas[h % std::size(kSysmonSchemas)];
            add_series(plans, "Microsoft-Windows-Sysmon%4Operational", per_host, 64 * kMiB,
                       sysmon_mix(schema), 900, true);
        } else {
            add_series(plans, "Microsoft-Windows-WMI-Activity%4Operational", per_host, kMiB,
                       wmi_mix(), 715, true);
        }
        const auto dir = o.out / host;
        std::filesystem::create_directories(dir);
        std::uint64_t malicious_n = 0;
        std::uint64_t t = 0;
        std::uint64_t next_id = 1;
        for (const auto& plan : plans) {
            const std::uint64_t chunks = plan.bytes > kFileHeaderSize + kChunkSize
                                             ? (plan.bytes - kFileHeaderSize) / kChunkSize
                                             : 1;
            const auto path = dir / plan.file_name;
            FileSink sink(path);
            const std::uint64_t expected =
                std::max<std::uint64_t>(1, plan.series_bytes / plan.avg_record_bytes);
            const std::uint64_t step = std::max<std::uint64_t>(2, span / expected);
            if (plan.first_in_series) {
                t = t_start + rng.below(step);
                next_id = 1;
            }
            EvtxWriter writer(sink, templates, FileOptions{}, next_id);
            std::ofstream manifest;
            if (o.manifest)
                manifest.open(path.string() + ".manifest.jsonl", std::ios::binary);
            while (writer.chunks_written() < chunks) {
                const EventSpec& s = pick(plan.mix, rng);
                t += 1 + rng.below(2 * step);
                fill_default_event(s, host, t, rng, e);
                if (plan.malicious_wmi && (s.event_id == 5860 || s.event_id == 5861) &&
                    rng.chance(150))
                    malicious_event(h, malicious_n++, s.event_id == 5861, e, rng);
                if (plan.malicious_wmi && s.provider == &kSysmon && s.event_id >= 19 &&
                    rng.chance(500))
                    malicious_sysmon_event(h, e, rng);
                const std::uint64_t id = writer.write(e);
                truth.add(e);
                ++report.records;
                if (o.manifest)
                    manifest << manifest_line(e, id) << '\n';
            }
            writer.close();
            sink.close();
            next_id = writer.next_record_id();
            report.bytes += std::filesystem::file_size(path);
            ++report.files;
        }
    }
    const auto write = [&](const char* name, const std::string& text) {
        std::ofstream out(o.out / name, std::ios::binary);
        out << text;
        if (!out)
            throw std::runtime_error(fmt::format("cannot write {}", (o.out / name).string()));
    };
    write("truth.temporary.csv", truth.temporary_csv(true));
    write("truth.permanent.csv", truth.permanent_csv(true));
    write("truth.temporary.all.csv", truth.temporary_csv(false));
    write("truth.permanent.all.csv", truth.permanent_csv(false));
    write("truth.sysmon-persistence.csv", truth.sysmon_persistence_csv());
    write("truth.permanent-sysmon.csv", truth.permanent_sysmon_csv());
    return report;
}

} // namespace evtxgen
