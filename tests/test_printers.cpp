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
    // Backslashes are text as logged (NT AUTHORITY\SYSTEM), not doubled.
    CHECK(terminal_escape("a\nb\tc\rd\\e") == "a\\nb\\tc\\rd\\e");
    CHECK(terminal_escape("\x1b[31mred") == "\\x1B[31mred");
    CHECK(terminal_escape(std::string("nul\0x", 5)) == "nul\\x00x");
    CHECK(terminal_escape("\x7f") == "\\x7F");
    SECTION("valid UTF-8 stays, invalid bytes and C1 controls are escaped") {
        CHECK(terminal_escape("caf\xc3\xa9") == "caf\xc3\xa9");
        CHECK(terminal_escape("\xff") == "\\xFF");
        CHECK(terminal_escape("\xc2\x9b") == "\\xC2\\x9B");          // U+009B CSI
        CHECK(terminal_escape("\xed\xa0\x80") == "\\xED\\xA0\\x80"); // a UTF-16 surrogate
    }
    SECTION("bidirectional controls and invisible characters are shown by their code point") {
        CHECK(terminal_escape("evil\u202Etxt.exe") ==
              "evil\\u202Etxt.exe");                       // RIGHT-TO-LEFT OVERRIDE
        CHECK(terminal_escape("a\u200Bb") == "a\\u200Bb"); // ZERO WIDTH SPACE
        CHECK(terminal_escape("\u202A\u202B\u202C\u202D") == "\\u202A\\u202B\\u202C\\u202D");
        CHECK(terminal_escape("\u2066\u2067\u2068\u2069") == "\\u2066\\u2067\\u2068\\u2069");
        CHECK(terminal_escape("\u200E\u200F\u2028\uFEFF\u061C") ==
              "\\u200E\\u200F\\u2028\\uFEFF\\u061C");
        CHECK(terminal_escape("\u2010\u2030") == "\u2010\u2030"); // a hyphen, a per mille sign
    }
    SECTION("escaping an escaped text changes nothing more") {
        std::string once = terminal_escape("\x1b]0;t\x07\n\u202E\xff\\x");
        CHECK(once == "\\x1B]0;t\\x07\\n\\u202E\\xFF\\x");
        CHECK(terminal_escape(once) == once);
    }
    SECTION("a file name: the same escaping") {
        CHECK(shown(std::filesystem::path("logs/a\x1b[2J\nwmihunt: 0 files\u202E.evtx")) ==
              "logs/a\\x1B[2J\\nwmihunt: 0 files\\u202E.evtx");
    }
}

TEST_CASE("write_table titles each table, aligns, and cuts long cells with a marker") {
    const Detection& t = *find_detection("temporary");
    // 7 + 80 + 19 = 106 characters; cut to 20: 19 kept around the "…", 6 of them (a third)
    // from the head and 13 from the tail.
    std::string query = "SELECT " + std::string(80, 'q') + " WHERE Name='tail'";
    std::vector<Row> rows = {{{"H", query}, 12, 0, 0}, {{"HOST-LONGER", "x\ny"}, 3, 0, 0}};
    std::ostringstream out;
    PrintOptions narrow;
    narrow.max_cell_width = 20;
    write_table(out, t, rows, narrow);
    std::string text = out.str();
    CHECK(text.find("WMI Temporary Event Subscription (temporary") == 0);
    CHECK(text.find("H             SELECT…E Name='tail'     12  1970-01-01T00:00:00") !=
          std::string::npos);
    CHECK(text.find("x\\ny") != std::string::npos);
    SECTION("an empty result says so") {
        std::ostringstream empty;
        write_table(empty, t, {});
        CHECK(empty.str().find(": 0 rows") != std::string::npos);
    }
    SECTION("no cutting at all with max_cell_width 0 (--width 0)") {
        PrintOptions whole;
        whole.max_cell_width = 0;
        std::ostringstream all;
        write_table(all, t, rows, whole);
        CHECK(all.str().find(query + "     12") != std::string::npos);
        CHECK(all.str().find("…") == std::string::npos);
    }
}

TEST_CASE("write_table cuts free text only, and keeps what tells the rows apart") {
    const Detection& p = *find_detection("permanent");
    std::string message(300, 'm');
    std::string host = "A-VERY-LONG-HOST-NAME-THAT-IS-NEVER-CUT";
    int64_t t = 1697597144LL * 10'000'000; // 2023-10-18T02:45:44Z
    std::vector<Row> rows = {
        {{host, "ActiveScriptEventConsumer=\"KillProcess\"", message}, 123456, t, t},
        {{host, "ActiveScriptEventConsumer=\"LaunchBeaconingBackdoor\"", message}, 1, t, t}};
    PrintOptions options;
    options.zone = TimeZone::named("Europe/Berlin");
    for (size_t width : {40u, 80u, 120u, 200u}) {
        CAPTURE(width);
        options.table_width = width;
        std::ostringstream out;
        write_table(out, p, rows, options);
        std::string text = out.str();
        // Hosts, counts and times (with the zone's offset) whole at every width.
        CHECK(text.find(host) != std::string::npos);
        CHECK(text.find("123456") != std::string::npos);
        CHECK(text.find("2023-10-18T04:45:44+02:00  2023-10-18T04:45:44+02:00") !=
              std::string::npos);
        // The consumer column keeps what follows the class its rows share, so both names
        // stay readable at every width: at its floor of 24 + 4 = 28 characters (24 differ
        // after ActiveScriptEventConsumer=" in the longer one), "Act…" and those 24.
        CHECK(text.find("KillProcess\"") != std::string::npos);
        CHECK(text.find("LaunchBeaconingBackdoor\"") != std::string::npos);
        if (width <= 120)
            CHECK(text.find("  Act…LaunchBeaconingBackdoor\"  ") != std::string::npos);
        if (width == 200) {
            // 200 - (39 + 6 + 25 + 25 + 5 * 2) = 95 columns for consumer (51 wide) and
            // Message (300): the Message is cut to 51 first, then the widest of the two
            // (the left one on a tie) loses one at a time: 47 and 48. A 48-character
            // cut keeps 47: 15 before the "…", 32 after; the consumer at 47 keeps 15 and 31.
            CHECK(text.find("ActiveScriptEventConsumer=\"KillProcess\"") != std::string::npos);
            CHECK(text.find("ActiveScriptEve…sumer=\"LaunchBeaconingBackdoor\"") !=
                  std::string::npos);
            CHECK(text.find(std::string(15, 'm') + "…" + std::string(32, 'm') + "  ") !=
                  std::string::npos);
        }
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
          "client_machine,filter,consumer_type,action,creator_sid,file\r\n"
          "2022-03-10T19:51:17.6765192Z,permanent,HOST,5861,149,consumer,"
          "\"ActiveScriptEventConsumer=\"\"KillProcess\"\"\",,//./root/subscription,,,"
          "ProcessStartTrigger,,,,/logs/WMI.evtx\r\n");
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
          "\"client_machine\":null,\"filter\":\"ProcessStartTrigger\",\"consumer_type\":null,"
          "\"action\":null,\"creator_sid\":null,\"file\":\"/logs/"
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
