// Tests of the HTML report: escaping, the template, and what a hand-built case renders.
#include "wmihunt/report.hpp"

#include "wmihunt/detection.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

using namespace wmihunt;

namespace {

size_t occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

Subscription hostile_subscription() {
    Subscription s;
    s.host = "H<1>";
    s.kind = "permanent";
    s.name_space = "root\\subscription";
    s.filter = "F\"1'";
    s.consumer = "C</script><script>alert(1)</script>";
    s.consumer_type = "ActiveScriptEventConsumer";
    s.action = "line1\r\n<img src=x onerror=alert(2)>\ttab & \x1b[31m";
    s.first_seen = 100'000'000;
    s.last_seen = 400'000'000;
    s.state = "active";
    s.evidence = {{"5861", 1}, {"5859", 2}};
    s.verdict = "suspicious";
    s.indicators = {"script-consumer"};
    s.sightings = {{100'000'000, "5861", ""}, {200'000'000, "5859", ""}, {400'000'000, "5859", ""}};
    return s;
}

} // namespace

TEST_CASE("html_text: markup characters as references, line breaks kept, the rest visible") {
    CHECK(html_text("<a href=\"x\">'&'</a>") ==
          "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    CHECK(html_text("a\r\nb\tc\nd") == "a\r\nb\tc\nd");
    // Controls, C1 controls and invalid UTF-8 by their bytes; bidirectional overrides and
    // invisible characters by their code point: nothing hides or reorders text.
    CHECK(html_text("x\x1b[31my") == "x\\x1B[31my");
    CHECK(html_text("\xc2\x9b") == "\\xC2\\x9B");
    CHECK(html_text("\xff") == "\\xFF");
    CHECK(html_text("evil\u202Egnp.exe") == "evil\\u202Egnp.exe");
    CHECK(html_text("a\u200Bb") == "a\\u200Bb");
    // Other text as it is, and escaping the escaped text again only escapes the ampersands.
    CHECK(html_text("Zoë ПК 日本 \\x41") == "Zoë ПК 日本 \\x41");
    CHECK(html_text("&amp;") == "&amp;amp;");
    CHECK(html_text("") == "");
}

TEST_CASE("the template: every value is escaped, nothing is loaded or run") {
    std::string text(report_template());
    // {{{name}}} and {{&name}} would insert a value unescaped.
    CHECK(text.find("{{{") == std::string::npos);
    CHECK(text.find("{{&") == std::string::npos);
    CHECK(text.find("{{ &") == std::string::npos);
    // Partials and set-delimiter tags could change what is a tag.
    CHECK(text.find("{{>") == std::string::npos);
    CHECK(text.find("{{=") == std::string::npos);
    CHECK(text.find("<script") == std::string::npos);
    CHECK(text.find(" src=") == std::string::npos);
    CHECK(text.find(" href=\"http") == std::string::npos);
    CHECK(text.find("url(") == std::string::npos);
    CHECK(text.find("@import") == std::string::npos);
    // The policy comes first in <head>, before anything it governs.
    auto policy = text.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                            "'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action "
                            "'none'\">");
    REQUIRE(policy != std::string::npos);
    CHECK(policy < text.find("<title>"));
    CHECK(policy < text.find("<style>"));
}

TEST_CASE("chart_x: an instant's place on the time axis") {
    CHECK(chart_x(100, 100, 300, 700) == 0);
    CHECK(chart_x(300, 100, 300, 700) == 700);
    CHECK(chart_x(150, 100, 300, 700) == 175);
    // Far apart instants (FILETIME range) keep their proportion.
    CHECK(chart_x(INT64_MAX / 2, 0, INT64_MAX, 1000) == Approx(500));
}

TEST_CASE("a hand-built case: the texts escaped, each part in its place") {
    ReportCase report;
    report.version = "9.9.9";
    report.generated = 0;
    report.run.detections = {"permanent"};
    report.run.rules.push_back({false, "host=<b>", "--exclude host=<b>"});
    FileReport file;
    file.path = "logs/<x>.evtx";
    file.stats.log_host = "H<1>";
    file.stats.log_channel = "Microsoft-Windows-WMI-Activity/Operational";
    file.stats.records_total = 42;
    report.files.push_back(file);
    FileReport broken;
    broken.path = "logs/broken.evtx";
    broken.error = "not an EVTX file <here>";
    report.files.push_back(broken);
    report.notices.push_back({"error", "logs/broken.evtx", "not an EVTX file <here>"});
    report.notices.push_back({"warning", "", "no Microsoft-Windows-Sysmon events in the inputs"});
    CoverageRow row;
    row.host = "H<1>";
    row.source = "Microsoft-Windows-WMI-Activity/Operational";
    row.provider = "Microsoft-Windows-WMI-Activity";
    row.files = 1;
    row.records = 42;
    row.first_time = 0;
    row.last_time = 500'000'000;
    report.coverage.push_back(row);
    report.subscriptions.push_back(hostile_subscription());
    report.detections.push_back({find_detection("permanent"), {}});

    std::ostringstream out;
    write_report(out, report, PrintOptions{});
    const std::string html = out.str();
    CHECK(html.starts_with("<!DOCTYPE html>\n"));
    CHECK(html.ends_with("</html>\n"));
    // No text from the case becomes markup.
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<x>") == std::string::npos);
    CHECK(html.find("<b>") == std::string::npos);
    CHECK(html.find("\x1b") == std::string::npos);
    CHECK(html.find("C&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("<pre class=\"payload\"><code>line1\r\n&lt;img src=x onerror=alert(2)&gt;\ttab "
                    "&amp; \\x1B[31m</code></pre>") != std::string::npos);
    CHECK(html.find("F&quot;1&apos;") != std::string::npos);
    CHECK(html.find("logs/&lt;x&gt;.evtx") != std::string::npos);
    CHECK(html.find("--exclude host=&lt;b&gt;") != std::string::npos);
    // One host section with its article, verdict and chart; the broken file and both notices.
    CHECK(occurrences(html, "<section class=\"host\"") == 1);
    CHECK(html.find("data-host=\"H&lt;1&gt;\"") != std::string::npos);
    CHECK(occurrences(html, "<article class=\"subscription verdict-suspicious\"") == 1);
    CHECK(occurrences(html, "<svg class=\"chart\"") == 1);
    CHECK(html.find("<td class=\"status-error\">error</td>") != std::string::npos);
    CHECK(html.find("not an EVTX file &lt;here&gt;") != std::string::npos);
    CHECK(html.find("not covered</span>: no Microsoft-Windows-Sysmon events") != std::string::npos);
    CHECK(html.find("<p>No rows.</p>") != std::string::npos);
    // Three marks, two of them 5859s, on a 10 s span widened to the chart's least span
    // of ten minutes around its middle (the coverage's 0 to 50 s), plus 1/40 on each side.
    CHECK(occurrences(html, "<circle class=\"mark-activity\"") == 3);
    CHECK(occurrences(html, "<title>5859 at ") == 2);
    // The axis spans [25 s - 315 s, 25 s + 315 s] = [-290 s, 340 s] (ten minutes and
    // 1/40 of them on each side); the 5861 at 10 s is at 250 + 735 * 300 / 630.
    std::smatch first_mark;
    REQUIRE(std::regex_search(html, first_mark,
                              std::regex("<circle class=\"mark-activity\" cx=\"([0-9.]+)\"")));
    CHECK(first_mark[1] == "600.0");
}
