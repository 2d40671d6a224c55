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

TEST_CASE("a missing PATH is a parse error") {
    CLI::App app;
    RawOptions raw;
    add_options(app, raw);
    CHECK_THROWS_AS(app.parse(std::vector<std::string>{}), CLI::RequiredError);
}
