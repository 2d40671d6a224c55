// corpus.hpp: large benchmark corpora (many realistic log files per host) and their truth files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace evtxgen {

enum class CorpusProfile {
    Triage, // per host: Security and System logs (20-100 MiB), Sysmon, a ~1 MiB WMI-Activity log
    Wmi,    // per host: ~1 MiB WMI-Activity logs only
    Sysmon, // per host: Sysmon/Operational logs of process, network and file events, with WMI
            // events 19/20/21 about 1 in 10,000 records (a record screen's benchmark)
};

struct CorpusOptions {
    CorpusProfile profile = CorpusProfile::Triage;
    std::uint64_t size = 0; // total bytes to write (approximate: whole chunks)
    std::size_t hosts = 1;
    std::uint64_t seed = 1;
    std::filesystem::path out;
    bool manifest = false; // also write <file>.manifest.jsonl
};

struct CorpusReport {
    std::uint64_t bytes = 0;
    std::size_t files = 0;
    std::uint64_t records = 0;
};

// Writes the corpus into options.out/<host>/ and its truth files into options.out:
// truth.{temporary,permanent}[.all].csv, truth.sysmon-persistence.csv, truth.permanent-sysmon.csv.
// Throws std::invalid_argument for bad options, std::runtime_error for I/O failures.
CorpusReport write_corpus(const CorpusOptions& options);

// "1G", "200M", "512K", "4096" (binary units) -> bytes; throws std::invalid_argument.
std::uint64_t parse_size(std::string_view text);
CorpusProfile parse_profile(std::string_view text);

} // namespace evtxgen
