// The whole command in-process: help, version, usage errors, unreadable inputs, exit status.
#include "wmihunt/app.hpp"

#include "wmihunt/detection.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace wmihunt;
namespace fs = std::filesystem;

namespace {
struct Run {
    int status;
    std::string out;
    std::string err;
};
Run run_app(std::vector<std::string> args) {
    args.insert(args.begin(), "wmihunt");
    std::vector<const char*> argv;
    for (const auto& a : args)
        argv.push_back(a.c_str());
    std::ostringstream out, err;
    int status = run(static_cast<int>(argv.size()), argv.data(), out, err);
    return {status, out.str(), err.str()};
}
// A per-process scratch directory, removed when the test run ends.
struct Scratch {
    fs::path dir = fs::temp_directory_path() / ("wmihunt-app-" + std::to_string(::getpid()));
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
};
fs::path scratch(const std::string& name) {
    static Scratch scratch;
    fs::create_directories(scratch.dir);
    return scratch.dir / name;
}
// An existing directory without logs.
std::string empty_dir() {
    fs::path dir = scratch("emptydir");
    fs::create_directories(dir);
    return dir.string();
}
// A log without events, as Windows writes one (test_data/README.md): read, nothing found.
std::string empty_log() {
    return std::string(WMIHUNT_TEST_DATA) + "/empty.evtx";
}
} // namespace

TEST_CASE("options --help and --version print to stdout and exit 0") {
    Run help = run_app({"--help"});
    CHECK(help.status == 0);
    CHECK(help.out.find("--detection") != std::string::npos);
    CHECK(help.out.find("Exit status") != std::string::npos);
    Run version = run_app({"--version"});
    CHECK(version.status == 0);
    CHECK(version.out.rfind("wmihunt ", 0) == 0);
}

TEST_CASE("usage errors exit 2 with one 'wmihunt: error:' line") {
    for (auto args : std::vector<std::vector<std::string>>{
             {}, {"--bogus", "x"}, {"-d", "nope", "x"}, {"-f", "csv", "x"}, {"-f", "yaml", "x"}}) {
        Run r = run_app(args);
        CHECK(r.status == 2);
        CHECK(r.err.rfind("wmihunt: error: ", 0) == 0);
        CHECK(r.out.empty());
    }
}

TEST_CASE("inputs that cannot be read are named with the reason, exit 2") {
    fs::path text = scratch("not-evtx.evtx");
    std::ofstream(text) << "this is not an event log\n";
    fs::path empty = scratch("empty.evtx");
    std::ofstream{empty};
    Run r = run_app({"-f", "csv", "-d", "temporary", text.string(), empty.string(),
                     scratch("missing.evtx").string()});
    CHECK(r.status == 2);
    CHECK(r.err.find(text.string() + ": not an EVTX file") != std::string::npos);
    CHECK(r.err.find(empty.string() + ": empty file") != std::string::npos);
    CHECK(r.err.find("missing.evtx: no such file or directory") != std::string::npos);
    SECTION("and the (empty) results are still printed") {
        CHECK(r.out == "ComputerName,query,count,firstTime,lastTime\r\n");
    }
}

TEST_CASE("a directory without logs is named, and a run that read no log exits 2") {
    // Regression: this used to exit 0, "nothing found", without having looked at a log.
    Run r = run_app({empty_dir()});
    CHECK(r.status == 2);
    CHECK(
        r.err.rfind("wmihunt: warning: " + empty_dir() +
                        ": no .evtx file in this directory\n"
                        "wmihunt: 0 files read, 0 failed, 0 records, 0 decoded, 0 matching events in "
                        "0 rows, ",
                    0) == 0);
    CHECK(r.err.find("\nwmihunt: error: no log was read\n") != std::string::npos);
    CHECK(r.out.find(": 0 rows") != std::string::npos);
    SECTION("option -q silences the summary, not the warning and the error") {
        std::string expected =
            "wmihunt: warning: " + empty_dir() +
            ": no .evtx file in this directory\nwmihunt: error: no log was read\n";
        CHECK(run_app({"-q", empty_dir()}).err == expected);
        CHECK(run_app({"--quiet", empty_dir()}).err == expected);
    }
    SECTION("an empty log is a log read: nothing found, exit 0") {
        Run log = run_app({"-q", empty_log()});
        CHECK(log.status == 0);
        CHECK(log.err.find("error") == std::string::npos);
    }
}

TEST_CASE("option --output-dir writes one CSV per detection, --output writes one file") {
    fs::path dir = scratch("outdir");
    fs::remove_all(dir);
    Run r = run_app({"-f", "csv", "--output-dir", dir.string(), empty_log()});
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    std::ifstream t(dir / "temporary.csv"), p(dir / "permanent.csv");
    std::string first;
    std::getline(t, first);
    CHECK(first == "ComputerName,query,count,firstTime,lastTime\r");
    std::getline(p, first);
    CHECK(first == "dest,consumer,Message,count,firstTime,lastTime\r");
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) ==
          static_cast<std::ptrdiff_t>(detections().size()));

    fs::path file = scratch("out.txt");
    r = run_app({"-o", file.string(), empty_log()});
    CHECK(r.out.empty());
    CHECK(fs::file_size(file) > 0);
}

TEST_CASE("an output file that cannot be created is an error, exit 2") {
    Run r = run_app({"-o", "/nonexistent-dir/x.txt", empty_dir()});
    CHECK(r.status == 2);
    CHECK(r.err.find("cannot write /nonexistent-dir/x.txt") != std::string::npos);
}

TEST_CASE("every analyst option rejects a bad value: one error line, exit 2, no output") {
    fs::path list = scratch("bad.allowlist");
    std::ofstream(list) << "# fine\nhost=ok\nconsumer=(unclosed\n";
    std::string dir = empty_dir();
    for (auto args : std::vector<std::vector<std::string>>{
             {"--exclude", "hostname=x", dir},
             {"--exclude", "host", dir},
             {"--include", "query=[", dir},
             {"--include", "temporary:filter=x", dir},
             {"--allowlist", scratch("missing.allowlist").string(), dir},
             {"--allowlist", list.string(), dir},
             {"--since", "last tuesday", dir},
             {"--until", "2022-13-01", dir},
             {"--since", "2022-03-02", "--until", "2022-03-01", dir},
             {"--timezone", "Mars/Olympus", dir},
             {"--time-format", "epoch", dir},
             {"--format", "xml", dir},
             {"--csv-bom", dir},
             {"--csv-raw", dir},
             {"--csv-flatten", "-f", "json", dir},
             {"--width", "-2", dir},
             {"--width", "wide", dir},
             {"--events", "-f", "csv", "--output-dir", dir, dir},
         }) {
        Run r = run_app(args);
        INFO(args[0] << " " << args[1]);
        CHECK(r.status == 2);
        CHECK(r.err.rfind("wmihunt: error: ", 0) == 0);
        CHECK(r.out.empty());
        if (args[0] != "--width") // CLI11's own parse errors add a hint line
            CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    Run r = run_app({"--allowlist", list.string(), dir});
    CHECK(r.err.find(list.string() + ":3: bad regex at offset 9") != std::string::npos);
}

TEST_CASE("option --list-detections needs no PATH and prints every detection") {
    Run r = run_app({"--list-detections"});
    CHECK(r.status == 0);
    CHECK(r.out.find("temporary: WMI Temporary Event Subscription") == 0);
    CHECK(r.out.find("\npermanent: WMI Permanent Event Subscription") != std::string::npos);
}

TEST_CASE("option --events on no logs prints an empty timeline in every format") {
    std::string dir = empty_dir();
    CHECK(run_app({"--events", "-f", "csv", dir}).out ==
          "time,detection,host,event_id,record_id,field,value,user,namespace,client_pid,"
          "client_machine,filter,consumer_type,action,creator_sid,file\r\n");
    CHECK(run_app({"--events", "-f", "jsonl", dir}).out.empty());
    CHECK(run_app({"--events", "-f", "json", dir}).out.find("\"events\": []") != std::string::npos);
    CHECK(run_app({"--events", dir}).out.rfind("Events: 0 (UTC time)\n", 0) == 0);
}

TEST_CASE("a tuning rule that no selected detection can use is a warning, not an error") {
    // (An empty log: the rule's warning comes first; the coverage warning that the log holds
    // no WMI-Activity events may follow.)
    Run r = run_app({"-q", "-d", "temporary", "--include", "filter=x", empty_log()});
    CHECK(r.status == 0);
    CHECK(r.err.rfind("wmihunt: warning: --include filter=x: no selected detection has this "
                      "field; the rule has no effect\n",
                      0) == 0);
    CHECK(r.err.find("error") == std::string::npos);
}
