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
    write_table(out, t, rows, 20);
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
