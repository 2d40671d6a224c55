// cli.cpp: evtxgen's command line: subcommands fixtures, scenario and corpus.
#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <exception>

#include "corpus.hpp"
#include "fixtures.hpp"
#include "scenario.hpp"

namespace evtxgen {

int run_cli(int argc, char** argv) {
    CLI::App app{"evtxgen: writes EVTX test fixtures and benchmark corpora"};
    app.require_subcommand(1);

    std::string fixtures_out;
    std::string fixtures_scenarios;
    bool fixtures_manifest = false;
    auto* fixtures = app.add_subcommand("fixtures", "regenerate every fixture from its scenario");
    fixtures->add_option("--out", fixtures_out, "output folder (test_data)")->required();
    fixtures->add_option("--scenarios", fixtures_scenarios,
                         "scenario folder (default: OUT/scenarios)");
    fixtures->add_flag("--manifest", fixtures_manifest,
                       "also write FILE.evtx.manifest.jsonl (intended records)");

    std::string scenario_file;
    std::string scenario_out;
    bool scenario_manifest = false;
    auto* scenario = app.add_subcommand("scenario", "write the files of one scenario");
    scenario->add_option("file", scenario_file, "scenario JSON")->required();
    scenario->add_option("--out", scenario_out, "output folder")->required();
    scenario->add_flag("--manifest", scenario_manifest, "also write FILE.evtx.manifest.jsonl");

    std::string profile = "triage";
    std::string size;
    std::size_t hosts = 4;
    std::uint64_t seed = 1;
    std::string corpus_out;
    bool corpus_manifest = false;
    auto* corpus = app.add_subcommand("corpus", "write a benchmark corpus and its truth files");
    corpus->add_option("--profile", profile, "triage, wmi or sysmon")
        ->check(CLI::IsMember({"triage", "wmi", "sysmon"}));
    corpus->add_option("--size", size, "total size, e.g. 200M or 1G")->required();
    corpus->add_option("--hosts", hosts, "number of hosts (default 4)");
    corpus->add_option("--seed", seed, "random seed (default 1)");
    corpus->add_option("--out", corpus_out, "output folder")->required();
    corpus->add_flag("--manifest", corpus_manifest, "also write FILE.evtx.manifest.jsonl");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }

    try {
        if (fixtures->parsed()) {
            const std::filesystem::path out = fixtures_out;
            const std::filesystem::path scenarios = fixtures_scenarios.empty()
                                                        ? out / "scenarios"
                                                        : std::filesystem::path(fixtures_scenarios);
            const auto names = write_fixtures(scenarios, out, {fixtures_manifest});
            fmt::print("evtxgen: wrote {} fixtures into {}\n", names.size(), out.string());
        } else if (scenario->parsed()) {
            const Scenario s = load_scenario(scenario_file);
            std::filesystem::create_directories(scenario_out);
            const auto paths = write_scenario(s, scenario_out, {scenario_manifest});
            fmt::print("evtxgen: wrote {} file(s) for {}\n", paths.size(), s.name);
        } else if (corpus->parsed()) {
            CorpusOptions o;
            o.profile = parse_profile(profile);
            o.size = parse_size(size);
            o.hosts = hosts;
            o.seed = seed;
            o.out = corpus_out;
            o.manifest = corpus_manifest;
            const auto started = std::chrono::steady_clock::now();
            const CorpusReport r = write_corpus(o);
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
            fmt::print("evtxgen: wrote {} files, {} records, {} bytes in {:.1f} s\n", r.files,
                       r.records, r.bytes, took.count());
        }
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "evtxgen: error: {}\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        fmt::print(stderr, "evtxgen: error: {}\n", e.what());
        return 1;
    }
    return 0;
}

} // namespace evtxgen
