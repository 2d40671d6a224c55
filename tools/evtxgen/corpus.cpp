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

// A log file to write: its name, size and the kinds of events it holds.
struct LogPlan {
    std::string file_name;
    std::uint64_t bytes;
    std::vector<Mix> mix;
    std::uint64_t avg_record_bytes; // measured average, spreads times over the 30-day range
    bool malicious_wmi;             // add this host's attacker subscriptions
};

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
    throw std::invalid_argument(fmt::format("unknown profile '{}' (triage or wmi)", text));
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
            plans.push_back(
                {"Microsoft-Windows-WMI-Activity%4Operational.evtx", wmi, wmi_mix(), 715, true});
            plans.push_back(
                {"Microsoft-Windows-Sysmon%4Operational.evtx",
                 sysmon,
                 {{&spec("sysmon19"), 1}, {&spec("sysmon20"), 1}, {&spec("sysmon21"), 1}},
                 760,
                 false});
            // Security and System logs: archives of at most 100 MiB each.
            for (auto [name, bytes, kind, avg] :
                 {std::tuple{"Security", security, "security4624", std::uint64_t{770}},
                  std::tuple{"System", rest - security, "system7036", std::uint64_t{390}}}) {
                std::uint64_t left = bytes;
                for (int part = 0; left > 0; ++part) {
                    const std::uint64_t n = std::min<std::uint64_t>(left, 100 * kMiB);
                    plans.push_back({part == 0 ? fmt::format("{}.evtx", name)
                                               : fmt::format("Archive-{}-{}.evtx", name, part),
                                     n,
                                     {{&spec(kind), 1}},
                                     avg,
                                     false});
                    left -= n;
                }
            }
        } else {
            std::uint64_t left = per_host;
            for (int part = 0; left > 0; ++part) {
                const std::uint64_t n = std::min<std::uint64_t>(left, kMiB);
                plans.push_back(
                    {part == 0
                         ? "Microsoft-Windows-WMI-Activity%4Operational.evtx"
                         : fmt::format(
                               "Archive-Microsoft-Windows-WMI-Activity%4Operational-{}.evtx", part),
                     n, wmi_mix(), 715, true});
                left -= n;
            }
        }
        const auto dir = o.out / host;
        std::filesystem::create_directories(dir);
        std::uint64_t malicious_n = 0;
        for (const auto& plan : plans) {
            const std::uint64_t chunks =
                std::max<std::uint64_t>(1, (plan.bytes - 4096) / kChunkSize);
            const auto path = dir / plan.file_name;
            FileSink sink(path);
            EvtxWriter writer(sink, templates, FileOptions{});
            std::ofstream manifest;
            if (o.manifest)
                manifest.open(path.string() + ".manifest.jsonl", std::ios::binary);
            const std::uint64_t expected =
                std::max<std::uint64_t>(1, plan.bytes / plan.avg_record_bytes);
            const std::uint64_t step = std::max<std::uint64_t>(2, span / expected);
            std::uint64_t t = t_start + rng.below(step);
            while (writer.chunks_written() < chunks) {
                const EventSpec& s = pick(plan.mix, rng);
                t += 1 + rng.below(2 * step);
                fill_default_event(s, host, t, rng, e);
                if (plan.malicious_wmi && (s.event_id == 5860 || s.event_id == 5861) &&
                    rng.chance(150))
                    malicious_event(h, malicious_n++, s.event_id == 5861, e, rng);
                const std::uint64_t id = writer.write(e);
                truth.add(e);
                ++report.records;
                if (o.manifest)
                    manifest << manifest_line(e, id) << '\n';
            }
            writer.close();
            sink.close();
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
    return report;
}

} // namespace evtxgen
