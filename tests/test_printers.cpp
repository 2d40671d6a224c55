// CSV quoting and terminal safety of the printers.
#include "wmihunt/printers.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace wmihunt;

TEST_CASE("csv_field quotes only when RFC 4180 needs it") {
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("") == "");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("line1\nline2") == "\"line1\nline2\"");
    CHECK(csv_field("cr\r") == "\"cr\r\"");
    CHECK(csv_field(" padded") == "\" padded\"");
}

TEST_CASE("write_csv prints Splunk's columns and CRLF-terminated records") {
    const Detection& p = *find_detection("permanent");
    // 1697597144 s = 2023-10-18T02:45:44Z; +0.9999999 s must still print :44.
    int64_t t = 1697597144LL * 10'000'000;
    std::vector<Row> rows = {{{"HOST", "ActiveScriptEventConsumer=\"K\"", "Consumer = x; a,b\n\tc"},
                              2,
                              t,
                              t + 9'999'999}};
    std::ostringstream out;
    write_csv(out, p, rows);
    CHECK(out.str() == "dest,consumer,Message,count,firstTime,lastTime\r\n"
                       "HOST,\"ActiveScriptEventConsumer=\"\"K\"\"\",\"Consumer = x; a,b\n\tc\",2,"
                       "2023-10-18T02:45:44,2023-10-18T02:45:44\r\n");
}

TEST_CASE("terminal_escape never lets a control byte through") {
    CHECK(terminal_escape("a\nb\tc\rd\\e") == "a\\nb\\tc\\rd\\\\e");
    CHECK(terminal_escape("\x1b[31mred") == "\\x1B[31mred");
    CHECK(terminal_escape(std::string("nul\0x", 5)) == "nul\\x00x");
    CHECK(terminal_escape("\x7f") == "\\x7F");
    SECTION("valid UTF-8 stays, invalid bytes and C1 controls are escaped") {
        CHECK(terminal_escape("caf\xc3\xa9") == "caf\xc3\xa9");
        CHECK(terminal_escape("\xff") == "\\xFF");
        CHECK(terminal_escape("\xc2\x9b") == "\\xC2\\x9B");          // U+009B CSI
        CHECK(terminal_escape("\xed\xa0\x80") == "\\xED\\xA0\\x80"); // a UTF-16 surrogate
    }
}

TEST_CASE("write_table titles each table, aligns, and cuts long cells with a marker") {
    const Detection& t = *find_detection("temporary");
    std::vector<Row> rows = {{{"H", std::string(100, 'q')}, 12, 0, 0},
                             {{"HOST-LONGER", "x\ny"}, 3, 0, 0}};
    std::ostringstream out;
    PrintOptions narrow;
    narrow.max_cell_width = 20;
    write_table(out, t, rows, narrow);
    std::string text = out.str();
    CHECK(text.find("WMI Temporary Event Subscription (temporary") == 0);
    CHECK(text.find(std::string(19, 'q') + "…") != std::string::npos);
    CHECK(text.find(std::string(20, 'q')) == std::string::npos);
    CHECK(text.find("x\\ny") != std::string::npos);
    CHECK(text.find("1970-01-01T00:00:00") != std::string::npos);
    SECTION("an empty result says so") {
        std::ostringstream empty;
        write_table(empty, t, {});
        CHECK(empty.str().find(": 0 rows") != std::string::npos);
    }
}

TEST_CASE("csv_cell neutralises formulas unless raw, and flattens line breaks on request") {
    CsvOptions safe;
    for (std::string lead : {"=", "+", "-", "@", "\t", "\r"})
        CHECK(csv_cell(lead + "cmd|' /C calc'!A0", safe).find("'" + lead) <= 1);
    CHECK(csv_cell("=1+1", safe) == "'=1+1");
    CHECK(csv_cell("-2", safe) == "'-2");
    CHECK(csv_cell("@SUM(A1)", safe) == "'@SUM(A1)");
    CHECK(csv_cell("\tx", safe) == "'\tx");
    CHECK(csv_cell("\rx", safe) == "\"'\rx\"");
    CHECK(csv_cell("a=1", safe) == "a=1");
    CHECK(csv_cell("", safe) == "");
    CsvOptions raw{false, true, false};
    CHECK(csv_cell("=1+1", raw) == "=1+1");
    CsvOptions flat{false, false, true};
    CHECK(csv_cell("a\r\nb\nc\rd", flat) == "a b c d");
    CHECK(csv_cell("a\r\n\r\nb, c", flat) == "\"a  b, c\"");
    CHECK(csv_cell("a\nb", safe) == "\"a\nb\"");
}

TEST_CASE("write_csv starts with a BOM on request") {
    const Detection& t = *find_detection("temporary");
    PrintOptions options;
    options.csv.bom = true;
    std::ostringstream out;
    write_csv(out, t, {{{"H", "=HYPERLINK(\"x\")"}, 1, 0, 0}}, options);
    CHECK(out.str() ==
          "\xEF\xBB\xBF"
          "ComputerName,query,count,firstTime,lastTime\r\n"
          "H,\"'=HYPERLINK(\"\"x\"\")\",1,1970-01-01T00:00:00,1970-01-01T00:00:00\r\n");
}

namespace {
EventRow sample_event(std::string value) {
    EventRow row;
    row.detection = find_detection("permanent");
    row.time = 1646941877LL * 10'000'000 + 6765192; // 2022-03-10T19:51:17.6765192Z
    row.host = "HOST";
    row.event_id = 5861;
    row.record_id = 149;
    row.value = std::move(value);
    row.fields[1] = "//./root/subscription";
    row.fields[4] = "ProcessStartTrigger";
    row.file = "/logs/WMI.evtx";
    return row;
}
} // namespace

TEST_CASE("the timeline as CSV: fixed columns, empty cells for fields a detection lacks") {
    PrintOptions options;
    options.time_style = TimeStyle::iso;
    std::ostringstream out;
    write_timeline_csv(out, {sample_event("ActiveScriptEventConsumer=\"KillProcess\"")}, options);
    CHECK(out.str() ==
          "time,detection,host,event_id,record_id,field,value,user,namespace,client_pid,"
          "client_machine,filter,file\r\n"
          "2022-03-10T19:51:17.6765192Z,permanent,HOST,5861,149,consumer,"
          "\"ActiveScriptEventConsumer=\"\"KillProcess\"\"\",,//./root/subscription,,,"
          "ProcessStartTrigger,/logs/WMI.evtx\r\n");
}

TEST_CASE("JSON output stays valid UTF-8 when a value holds invalid UTF-8") {
    PrintOptions options;
    options.time_style = TimeStyle::iso;
    // "\xff" alone and a lone UTF-16 surrogate encoded as UTF-8 are both invalid.
    std::vector<EventRow> rows = {sample_event("bad \xff byte \xed\xa0\x80 end")};
    std::ostringstream lines;
    REQUIRE_NOTHROW(write_timeline_jsonl(lines, rows, options));
    CHECK(lines.str() ==
          "{\"time\":\"2022-03-10T19:51:17.6765192Z\",\"detection\":\"permanent\","
          "\"host\":\"HOST\",\"event_id\":5861,\"record_id\":149,\"field\":\"consumer\","
          "\"value\":\"bad \xEF\xBF\xBD byte \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end\","
          "\"user\":null,\"namespace\":\"//./root/subscription\",\"client_pid\":null,"
          "\"client_machine\":null,\"filter\":\"ProcessStartTrigger\",\"file\":\"/logs/"
          "WMI.evtx\"}\n");
    const Detection& t = *find_detection("temporary");
    std::ostringstream document;
    REQUIRE_NOTHROW(write_json(document, {{&t, {{{"H\xc3", "q"}, 2, 0, 0}}}}, options));
    CHECK(document.str().find("\"ComputerName\": \"H\xEF\xBF\xBD\"") != std::string::npos);
    CHECK(document.str().find("\"count\": 2") != std::string::npos);
}

TEST_CASE("write_table fits a width, and colours only when asked") {
    const Detection& t = *find_detection("temporary");
    std::vector<Row> rows = {{{"HOST", std::string(200, 'q')}, 1, 0, 0}};
    PrintOptions options;
    options.table_width = 100;
    std::ostringstream out;
    write_table(out, t, rows, options);
    std::istringstream lines(out.str());
    std::string line;
    std::getline(lines, line); // the title may be longer
    CHECK(line.find("\x1b") == std::string::npos);
    while (std::getline(lines, line))
        CHECK(line.size() - (line.find("…") == std::string::npos ? 0 : 2) <= 100);
    CHECK(out.str().find("q…") != std::string::npos);
    options.color = true;
    std::ostringstream bold;
    write_table(bold, t, rows, options);
    CHECK(bold.str().rfind("\x1b[1mWMI Temporary Event Subscription", 0) == 0);
}

TEST_CASE("the timeline table escapes what an attacker wrote into a subscription") {
    PrintOptions options;
    options.time_style = TimeStyle::iso;
    std::ostringstream out;
    write_timeline_table(out, {sample_event("x=\"\x1b]0;owned\x07\x1b[2J\"\nnext")}, options);
    std::string text = out.str();
    CHECK(text.rfind("Events: 1 (UTC time)\n", 0) == 0);
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find('\x07') == std::string::npos);
    CHECK(text.find("x=\"\\x1B]0;owned\\x07\\x1B[2J\"\\nnext") != std::string::npos);
    CHECK(text.find("2022-03-10T19:51:17.6765192Z  permanent  HOST") != std::string::npos);
}

TEST_CASE("1 MiB values full of escape sequences are printed safely and whole") {
    // ESC [ 2 J (clear screen) repeated: 4 bytes in, "\x1B[2J" (7 bytes) out each time.
    std::string hostile;
    for (int i = 0; i < (1 << 18); ++i)
        hostile += "\x1b[2J";
    std::string escaped = terminal_escape(hostile);
    CHECK(escaped.size() == 7u * (1 << 18));
    CHECK(escaped.find('\x1b') == std::string::npos);
    CHECK(escaped.substr(0, 7) == "\\x1B[2J");

    const Detection& temporary = *find_detection("temporary");
    std::vector<Row> rows{{{"HOST", hostile}, 1, 0, 0}};
    std::ostringstream table;
    write_table(table, temporary, rows);
    CHECK(table.str().find('\x1b') == std::string::npos);
    CHECK(table.str().find("…") != std::string::npos); // cut to the cell width

    std::ostringstream csv;
    write_csv(csv, temporary, rows);
    // CSV keeps the value whole (the spreadsheet, not the terminal, is its reader).
    CHECK(csv.str().find(hostile) != std::string::npos);
}
