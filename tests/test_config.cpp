// Options to Config: defaults, choices and every usage error.
#include "wmihunt/config.hpp"

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>

using namespace wmihunt;

namespace {
RawOptions parse(std::vector<std::string> args) {
    CLI::App app;
    RawOptions raw;
    add_options(app, raw);
    std::reverse(args.begin(), args.end());
    app.parse(args);
    return raw;
}
std::string usage_error(const RawOptions& raw) {
    try {
        make_config(raw);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}
} // namespace

TEST_CASE("defaults: every detection, table format, Splunk's exclusions") {
    Config c = make_config(parse({"x.evtx"}));
    CHECK(c.detections.size() == detections().size());
    CHECK(c.format == Format::table);
    CHECK(c.default_exclusions);
    CHECK_FALSE(c.output);
    CHECK(c.paths == std::vector<std::filesystem::path>{"x.evtx"});
    CHECK_FALSE(c.recover);
    CHECK_FALSE(c.strict);
    CHECK_FALSE(c.keep_duplicates);
}

TEST_CASE("options --recover, --strict and --keep-duplicates reach the Config") {
    Config c = make_config(parse({"--recover", "--strict", "--keep-duplicates", "x.evtx"}));
    CHECK(c.recover);
    CHECK(c.strict);
    CHECK(c.keep_duplicates);
}

TEST_CASE("option --detection takes one name each time, so paths after it stay paths") {
    RawOptions raw = parse({"-d", "permanent", "a.evtx", "b.evtx"});
    CHECK(raw.detections == std::vector<std::string>{"permanent"});
    CHECK(raw.paths == std::vector<std::string>{"a.evtx", "b.evtx"});
}

TEST_CASE("option --detection selects, de-duplicates and keeps table order") {
    Config c =
        make_config(parse({"-d", "permanent", "--detection", "temporary", "-d", "permanent", "p"}));
    REQUIRE(c.detections.size() == 2);
    CHECK(c.detections[0]->name == "temporary");
    CHECK(c.detections[1]->name == "permanent");
}

TEST_CASE("usage errors name the problem and the way out") {
    CHECK(usage_error(parse({"-d", "bogus", "p"})).find("--detection bogus: unknown detection") ==
          0);
    CHECK(usage_error(parse({"-f", "xml", "p"})).find("--format xml: unknown format") == 0);
    std::string several = usage_error(parse({"-f", "csv", "p"}));
    CHECK(several.find("--detection NAME") != std::string::npos);
    CHECK(several.find("--output-dir DIR") != std::string::npos);
    CHECK(usage_error(parse({"-o", "a", "--output-dir", "b", "-f", "csv", "p"}))
              .find("exclude each other") != std::string::npos);
    CHECK(usage_error(parse({"--output-dir", "b", "p"})).find("--format csv") != std::string::npos);
}

TEST_CASE("csv with one detection, or with --output-dir, is accepted") {
    CHECK(make_config(parse({"-f", "csv", "-d", "temporary", "p"})).format == Format::csv);
    Config c = make_config(parse({"-f", "csv", "--output-dir", "out", "p"}));
    REQUIRE(c.output_dir);
    CHECK(output_file_name(*c.detections[0], c.format) == "temporary.csv");
}

TEST_CASE("a missing PATH is a usage error, except with --list-detections") {
    CHECK(usage_error(parse({})) == "no PATH given: name the .evtx files or directories to read");
    CHECK(make_config(parse({"--list-detections"})).list_detections);
}

TEST_CASE("bad values of the analyst options are usage errors naming the option") {
    CHECK(usage_error(parse({"--exclude", "bogus=x", "p"}))
              .rfind("--exclude bogus=x: unknown field 'bogus' (choose from host, ", 0) == 0);
    CHECK(usage_error(parse({"--include", "query=[", "p"}))
              .rfind("--include query=[: bad regex at offset 1", 0) == 0);
    CHECK(usage_error(parse({"--include", "query", "p"}))
              .rfind("--include query: expected [DETECTION:]FIELD=REGEX", 0) == 0);
    CHECK(usage_error(parse({"--allowlist", "/nonexistent/a.allowlist", "p"})) ==
          "/nonexistent/a.allowlist: No such file or directory");
    CHECK(usage_error(parse({"--since", "yesterday", "p"}))
              .rfind("--since yesterday: not an ISO-8601 time", 0) == 0);
    CHECK(usage_error(parse({"--until", "2022-02-30", "p"})) ==
          "--until 2022-02-30: no such date or time of day");
    CHECK(usage_error(parse({"--since", "2022-03-11", "--until", "2022-03-10", "p"})) ==
          "--since 2022-03-11 is not before --until 2022-03-10: no event can match");
    CHECK(usage_error(parse({"--timezone", "Mars/Olympus", "p"}))
              .rfind("--timezone Mars/Olympus: unknown time zone", 0) == 0);
    CHECK(usage_error(parse({"--time-format", "epoch", "p"})) ==
          "--time-format epoch: unknown style (choose splunk or iso)");
    CHECK(usage_error(parse({"--csv-bom", "p"})) ==
          "--csv-bom only applies to CSV output: add --format csv");
    CHECK(usage_error(parse({"--csv-raw", "-f", "json", "p"})) ==
          "--csv-raw only applies to CSV output: add --format csv");
    CHECK(usage_error(parse({"--csv-flatten", "p"})) ==
          "--csv-flatten only applies to CSV output: add --format csv");
    CHECK(usage_error(parse({"--width", "-3", "p"})) ==
          "--width -3: give a number of columns, or 0 for no limit");
    CHECK(usage_error(parse({"--width", "80", "-f", "csv", "-d", "temporary", "p"})) ==
          "--width only applies to tables (--format table)");
    CHECK(usage_error(parse({"--events", "-f", "csv", "--output-dir", "d", "p"}))
              .rfind("--events prints one timeline", 0) == 0);
    CHECK(usage_error(parse({"--output-dir", "d", "-f", "table", "p"}))
              .rfind("--output-dir writes one file per detection", 0) == 0);
}

TEST_CASE("analyst options: time window, zone, styles, events, json") {
    Config c = make_config(parse({"--since", "2022-03-10T20:00", "--until", "2022-03-11",
                                  "--timezone", "Europe/Berlin", "p"}));
    // 20:00 in Berlin (+01:00) is 19:00 UTC; 2022-03-10T00:00Z is 1646870400 s.
    CHECK(c.since == (1646870400LL + 19 * 3600) * 10'000'000);
    CHECK(c.until == (1646870400LL + 23 * 3600) * 10'000'000);
    CHECK(c.print.zone.name() == "Europe/Berlin");
    CHECK(c.print.time_style == TimeStyle::splunk);
    CHECK(make_config(parse({"--events", "p"})).print.time_style == TimeStyle::iso);
    CHECK(make_config(parse({"--events", "--time-format", "splunk", "p"})).print.time_style ==
          TimeStyle::splunk);
    CHECK(make_config(parse({"-f", "json", "p"})).format == Format::json);
    Config lines = make_config(parse({"-f", "jsonl", "--output-dir", "d", "p"}));
    CHECK(output_file_name(*lines.detections[0], lines.format) == "temporary.jsonl");
    Config events = make_config(parse({"--events", "-f", "csv", "--csv-bom", "--csv-raw", "p"}));
    CHECK(events.events);
    CHECK(events.print.csv.bom);
    CHECK(events.print.csv.raw);
    Config tuned = make_config(parse({"--exclude", "host=a", "--include", "query=b", "p"}));
    REQUIRE(tuned.tuning.rules().size() == 2);
    CHECK(tuned.tuning.rules()[1].include);
    CHECK(make_config(parse({"--width", "0", "p"})).width_given);
    CHECK(make_config(parse({"-q", "p"})).quiet);
}
