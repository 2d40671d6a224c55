// MOF instance text, SIDs, consumer actions, Sysmon values and object paths; the 5861
// texts of the shared samples.
#include "wmihunt/event.hpp"
#include "wmihunt/mof.hpp"
#include "wmihunt/reader.hpp"
#include "wmihunt/verdicts.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>

using namespace wmihunt;
using Kind = MofValue::Kind;

namespace {

// Shaped as Windows writes a 5861 PossibleCause (tabs, "\n};" closing each instance),
// with invented names and bytes.
const std::string k_binding = "Binding EventFilter: \n"
                              "instance of __EventFilter\n"
                              "{\n"
                              "\tCreatorSID = {1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 33, 2, 0, 0};\n"
                              "\tEventNamespace = \"root\\\\cimv2\";\n"
                              "\tName = \"Every Minute\";\n"
                              "\tQuery = \"SELECT * FROM __TimerEvent WHERE TimerID = 'T1'\";\n"
                              "\tQueryLanguage = \"WQL\";\n"
                              "};\n"
                              "Perm. Consumer: \n"
                              "instance of ActiveScriptEventConsumer\n"
                              "{\n"
                              "\tKillTimeout = 30;\n"
                              "\tName = \"Beacon\";\n"
                              "\tScriptingEngine = \"JScript\";\n"
                              "\tScriptText = \"var x = \\\"a\\\\b\\\";\\n\\tWScript.Echo(x);\";\n"
                              "};\n";

// A value in one line: arrays joined by ',', anything else its text. A cut value's
// rendering is a prefix of the full value's.
std::string render(const MofValue& value) {
    if (value.kind != Kind::array)
        return value.text;
    std::string out;
    for (const MofValue& item : value.items) {
        if (!out.empty())
            out += ',';
        out += render(item);
    }
    return out;
}

std::string_view rtrim(std::string_view text) {
    while (!text.empty() && std::string_view(" \t\r\n").find(text.back()) != std::string_view::npos)
        text.remove_suffix(1);
    return text;
}

// Parses every prefix of `text` (a text whose instances each end in "\n};" and whose
// strings hold no raw line break) and checks each against the whole text's reading:
// what a prefix yields is a prefix of it, and it is complete exactly when the prefix
// ends at an instance's end.
void check_every_cut(const std::string& text) {
    MofText full = parse_mof(text);
    REQUIRE(full.complete);
    for (size_t cut = 0; cut <= text.size(); ++cut) {
        std::string_view prefix(text.data(), cut);
        MofText got = parse_mof(prefix);
        INFO("cut at " << cut << ": " << got.problem);
        std::string_view trimmed = rtrim(prefix);
        bool ends_an_instance = trimmed.empty() || trimmed.ends_with("\n};");
        REQUIRE(got.complete == ends_an_instance);
        REQUIRE(got.stopped_at <= cut);
        REQUIRE(got.complete == got.problem.empty());
        REQUIRE(got.instances.size() <= full.instances.size());
        for (size_t i = 0; i < got.instances.size(); ++i) {
            const MofInstance& a = got.instances[i];
            const MofInstance& b = full.instances[i];
            REQUIRE(a.label == b.label);
            REQUIRE(a.class_name == b.class_name);
            REQUIRE(a.properties.size() <= b.properties.size());
            if (i + 1 < got.instances.size())
                REQUIRE(a.complete);
            if (a.complete)
                REQUIRE(a.properties.size() == b.properties.size());
            for (size_t j = 0; j < a.properties.size(); ++j) {
                const MofProperty& p = a.properties[j];
                const MofProperty& q = b.properties[j];
                REQUIRE(p.name == q.name);
                if (p.complete) {
                    REQUIRE(p.value.kind == q.value.kind);
                    REQUIRE(render(p.value) == render(q.value));
                } else {
                    REQUIRE(j + 1 == a.properties.size());
                    REQUIRE(!a.complete);
                    REQUIRE(render(q.value).starts_with(render(p.value)));
                }
            }
        }
    }
}

} // namespace

TEST_CASE("parse_mof reads labelled instances, their properties and values") {
    MofText got = parse_mof(k_binding);
    REQUIRE(got.complete);
    CHECK(got.problem.empty());
    CHECK(got.stopped_at == k_binding.size());
    REQUIRE(got.instances.size() == 2);

    const MofInstance& filter = got.instances[0];
    CHECK(filter.label == "Binding EventFilter");
    CHECK(filter.class_name == "__EventFilter");
    CHECK(filter.complete);
    REQUIRE(filter.properties.size() == 5);
    CHECK(filter.properties[0].name == "CreatorSID");
    CHECK(filter.properties[4].name == "QueryLanguage");
    CHECK(filter.text("EventNamespace") == "root\\cimv2");
    CHECK(filter.text("query") == "SELECT * FROM __TimerEvent WHERE TimerID = 'T1'");
    const MofValue* sid = filter.find("CreatorSID");
    REQUIRE(sid != nullptr);
    CHECK(sid->kind == Kind::array);
    CHECK(sid->items.size() == 16);
    CHECK(filter.text("CreatorSID").empty()); // not a scalar
    CHECK(filter.find("Missing") == nullptr);

    const MofInstance& consumer = got.instances[1];
    CHECK(consumer.label == "Perm. Consumer");
    CHECK(consumer.class_name == "ActiveScriptEventConsumer");
    CHECK(consumer.find("KillTimeout")->kind == Kind::number);
    CHECK(consumer.find("KillTimeout")->integer() == 30);
    CHECK(consumer.text("ScriptText") == "var x = \"a\\b\";\n\tWScript.Echo(x);");

    CHECK(got.filter() == &filter);
    CHECK(got.consumer() == &consumer);
}

TEST_CASE("parse_mof decodes every string escape") {
    // \xH..\xHHHH is one UTF-16 unit (up to four digits), a surrogate pair makes one
    // character, a lone surrogate becomes U+FFFD; unknown escapes stay as written.
    std::string text = "instance of C { S = \"a\\\\b \\\"q\\\" \\'s\\' n\\nt\\tr\\rb\\bf\\f "
                       "x\\x41 X\\X263A four\\x41BCD pair\\xD83D\\xDE00 lone\\xD800 none\\xZ "
                       "keep\\q\"; };";
    MofText got = parse_mof(text);
    REQUIRE(got.complete);
    CHECK(got.instances.at(0).text("S") ==
          "a\\b \"q\" 's' n\nt\tr\rb\bf\f xA X\xE2\x98\xBA four\xE4\x86\xBC"
          "D pair\xF0\x9F\x98\x80 lone\xEF\xBF\xBD none\\xZ keep\\q");
}

TEST_CASE("parse_mof joins adjacent literals and reads single-quoted ones") {
    MofText got =
        parse_mof("instance of C\n{\n\tA = \"ab\" \n \"cd\";\n\tB = 'x';\n\tE = \"\";\n};");
    REQUIRE(got.complete);
    const MofInstance& c = got.instances.at(0);
    CHECK(c.text("A") == "abcd");
    CHECK(c.text("B") == "x");
    CHECK(c.find("E")->kind == Kind::string);
    CHECK(c.text("E").empty());
}

TEST_CASE("parse_mof reads arrays, numbers, booleans, NULL and other tokens") {
    MofText got = parse_mof("instance of C {\n"
                            "\tA = {1, -2, 0x1F, 1.5e3, TRUE, \"s,}\", NULL};\n"
                            "\tE = {};\n"
                            "\tF = false;\n"
                            "\tN = NULL;\n"
                            "\tR = $alias;\n"
                            "\tO = instance of X { Y = 1; };\n"
                            "\tBig = 9223372036854775808;\n"
                            "\tMin = -9223372036854775808;\n"
                            "};");
    REQUIRE(got.complete);
    const MofInstance& c = got.instances.at(0);
    const MofValue& a = *c.find("A");
    REQUIRE(a.kind == Kind::array);
    REQUIRE(a.items.size() == 7);
    CHECK(a.items[0].integer() == 1);
    CHECK(a.items[1].integer() == -2);
    CHECK(a.items[2].integer() == 31);
    CHECK(a.items[3].kind == Kind::number);
    CHECK_FALSE(a.items[3].integer()); // a real
    CHECK(a.items[4].kind == Kind::boolean);
    CHECK(a.items[4].text == "TRUE");
    CHECK(a.items[5].kind == Kind::string);
    CHECK(a.items[5].text == "s,}");
    CHECK(a.items[6].kind == Kind::null);
    CHECK(c.find("E")->kind == Kind::array);
    CHECK(c.find("E")->items.empty());
    CHECK(c.find("F")->kind == Kind::boolean);
    CHECK(c.text("F") == "false");
    CHECK(c.find("N")->kind == Kind::null);
    CHECK(c.text("N").empty());
    CHECK(c.find("R")->kind == Kind::other);
    CHECK(c.find("R")->text == "$alias");
    CHECK(c.find("O")->kind == Kind::other);
    CHECK(c.find("O")->text == "instance of X { Y = 1; }");
    CHECK_FALSE(c.find("Big")->integer()); // 2^63 does not fit
    CHECK(c.find("Min")->integer() == INT64_MIN);
}

TEST_CASE("parse_mof reads the one-line form and instances without labels") {
    MofText got = parse_mof("Binding EventFilter: instance of __EventFilter { Name = \"F\"; "
                            "Query = \"SELECT * FROM X\"; }; Perm. Consumer: instance of "
                            "CommandLineEventConsumer { CommandLineTemplate = \"cmd /c x\"; "
                            "Name = \"C\"; };");
    REQUIRE(got.complete);
    REQUIRE(got.instances.size() == 2);
    CHECK(got.filter()->text("Name") == "F");
    CHECK(got.consumer()->text("CommandLineTemplate") == "cmd /c x");

    MofText bare = parse_mof("instance of LogFileEventConsumer {};instance of __EventFilter{};");
    REQUIRE(bare.complete);
    REQUIRE(bare.instances.size() == 2);
    CHECK(bare.instances[0].label.empty());
    CHECK(bare.instances[1].label.empty());
    CHECK(bare.filter() == &bare.instances[1]);
    CHECK(bare.consumer() == &bare.instances[0]);

    CHECK(parse_mof("").complete);
    CHECK(parse_mof(" \n\t").complete);
    CHECK(parse_mof("").instances.empty());
}

TEST_CASE("parse_mof keeps what it read from a malformed text and says where it stopped") {
    SECTION("no instance at all") {
        MofText got = parse_mof("__FilterToConsumerBinding registered");
        CHECK_FALSE(got.complete);
        CHECK(got.instances.empty());
        CHECK(got.stopped_at == 0);
        CHECK(got.problem == "no \"instance of\" in the text");
    }
    SECTION("a property without a name") {
        std::string text = "instance of X { A = 1; = 5; };";
        MofText got = parse_mof(text);
        CHECK_FALSE(got.complete);
        REQUIRE(got.instances.size() == 1);
        CHECK_FALSE(got.instances[0].complete);
        REQUIRE(got.instances[0].properties.size() == 1);
        CHECK(got.instances[0].properties[0].complete);
        CHECK(got.stopped_at == text.find("= 5"));
        CHECK(got.problem == "expected a property name");
    }
    SECTION("a malformed filter does not hide the consumer after it") {
        std::string text = "Binding EventFilter: \ninstance of __EventFilter\n{\n\tName = \"F\";\n"
                           "\tQuery = \"SELECT\" garbage;\n};\nPerm. Consumer: \ninstance of "
                           "CommandLineEventConsumer\n{\n\tCommandLineTemplate = \"cmd\";\n};\n";
        MofText got = parse_mof(text);
        CHECK_FALSE(got.complete);
        CHECK(got.problem == "expected ';' after the value of Query");
        CHECK(got.stopped_at == text.find("garbage"));
        REQUIRE(got.instances.size() == 2);
        CHECK(got.filter()->text("Name") == "F");
        CHECK_FALSE(got.filter()->complete);
        CHECK(got.consumer()->label == "Perm. Consumer");
        CHECK(got.consumer()->complete);
        CHECK(got.consumer()->text("CommandLineTemplate") == "cmd");
    }
    SECTION("a property without '='") {
        MofText got = parse_mof("instance of X { B 2; };");
        CHECK(got.problem == "expected '=' after B");
        CHECK(got.instances.at(0).properties.empty());
    }
    SECTION("an array that is not closed") {
        MofText got = parse_mof("instance of X { A = {1, 2; };");
        CHECK(got.problem == "expected ',' or '}' in the array of A");
        const MofProperty& a = got.instances.at(0).properties.at(0);
        CHECK_FALSE(a.complete);
        CHECK(render(a.value) == "1,2");
    }
    SECTION("an array inside an array") {
        MofText got = parse_mof("instance of X { A = {1, {2}}; };");
        CHECK(got.problem == "an array inside the array of A");
    }
    SECTION("a value that is missing") {
        MofText got = parse_mof("instance of X { A = ; };");
        CHECK(got.problem == "expected a value for A");
        CHECK(got.instances.at(0).properties.at(0).value.kind == Kind::none);
    }
    SECTION("an instance closed without ';'") {
        MofText got = parse_mof("instance of X { A = 1; } instance of Y {};");
        CHECK(got.problem == "expected ';' after the instance's '}'");
        CHECK_FALSE(got.complete);
        REQUIRE(got.instances.size() == 2);
        CHECK_FALSE(got.instances[0].complete);
        CHECK(got.instances[1].class_name == "Y");
        CHECK(got.instances[1].complete);
    }
    SECTION("words after the last instance") {
        std::string text = "instance of X { A = 1; };\n trailing words";
        MofText got = parse_mof(text);
        CHECK_FALSE(got.complete);
        REQUIRE(got.instances.size() == 1);
        CHECK(got.instances[0].complete);
        CHECK(got.stopped_at == text.find("trailing"));
        CHECK(got.problem == "text after the last instance is not an instance");
    }
    SECTION("no class name") {
        MofText got = parse_mof("instance of {};");
        CHECK(got.problem == "expected a class name after \"instance of\"");
        CHECK(got.instances.empty());
    }
    SECTION("text and NUL bytes that are not MOF") {
        std::string text = "instance of X { A = \"";
        text += '\0';
        text += "\xff\"; B = \xfe; };";
        MofText got = parse_mof(text);
        REQUIRE(got.complete);
        CHECK(got.instances.at(0).text("A") == std::string("\0\xff", 2));
        CHECK(got.instances.at(0).find("B")->text == "\xfe");
    }
}

TEST_CASE("parse_mof on every cut of a text keeps the prefix and says it is incomplete") {
    check_every_cut(k_binding);
    // The last property cut inside an escape: the backslash alone is not kept.
    MofText got = parse_mof("instance of C { S = \"ab\\");
    CHECK(got.problem == "unterminated string in S");
    CHECK(got.instances.at(0).properties.at(0).value.text == "ab");
    // A \x escape cut before its fourth digit is not decoded.
    got = parse_mof("instance of C { S = \"ab\\x26");
    CHECK(got.instances.at(0).properties.at(0).value.text == "ab");
    CHECK(got.problem == "unterminated string in S");
}

TEST_CASE("sid_to_string follows the binary SID layout") {
    // {1, 5, 0,0,0,0,0,5, 21,0,0,0, 138,121,59,195, 230,78,150,199, 76,134,174,5, 232,3,0,0}:
    // revision 1, 5 sub-authorities, authority 5 (six bytes big-endian), then 32-bit
    // little-endian sub-authorities: 21; 138 + 121*2^8 + 59*2^16 + 195*2^24 = 3275454858;
    // 230 + 78*2^8 + 150*2^16 + 199*2^24 = 3348516582; 76 + 134*2^8 + 174*2^16 + 5*2^24
    // = 95323724; 232 + 3*2^8 = 1000.
    std::vector<uint8_t> user{1,  5,   0,   0,  0,   0,   0,  5,   21,  0, 0,   0, 138, 121,
                              59, 195, 230, 78, 150, 199, 76, 134, 174, 5, 232, 3, 0,   0};
    CHECK(sid_to_string(user) == "S-1-5-21-3275454858-3348516582-95323724-1000");
    // Two sub-authorities: 32 and 32 + 2*2^8 = 544, BUILTIN\Administrators.
    std::vector<uint8_t> admins{1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 32, 2, 0, 0};
    CHECK(sid_to_string(admins) == "S-1-5-32-544");
    // No sub-authority: S-1-5 (NT Authority).
    CHECK(sid_to_string(std::vector<uint8_t>{1, 0, 0, 0, 0, 0, 0, 5}) == "S-1-5");
    // Top sub-authority bit set: 255,255,255,255 is 4294967295, unsigned.
    CHECK(sid_to_string(std::vector<uint8_t>{1, 1, 0, 0, 0, 0, 0, 1, 255, 255, 255, 255}) ==
          "S-1-1-4294967295");
    // An authority of 2^32 or more is written as 0x and twelve hex digits.
    CHECK(sid_to_string(std::vector<uint8_t>{1, 0, 0, 1, 0, 0, 0, 0}) == "S-1-0x000100000000");
    CHECK(sid_to_string(std::vector<uint8_t>{1, 0, 0, 0, 255, 255, 255, 255}) == "S-1-4294967295");

    CHECK_FALSE(sid_to_string({}));
    CHECK_FALSE(sid_to_string(std::vector<uint8_t>{1, 0, 0, 0, 0, 0, 0}));       // short header
    CHECK_FALSE(sid_to_string(std::vector<uint8_t>{2, 0, 0, 0, 0, 0, 0, 5}));    // revision 2
    CHECK_FALSE(sid_to_string(std::vector<uint8_t>{1, 1, 0, 0, 0, 0, 0, 5}));    // count too big
    CHECK_FALSE(sid_to_string(std::vector<uint8_t>{1, 0, 0, 0, 0, 0, 0, 5, 9})); // bytes after
    std::vector<uint8_t> sixteen(8 + 16 * 4, 0);
    sixteen[0] = 1;
    sixteen[1] = 16; // SID_MAX_SUB_AUTHORITIES is 15
    CHECK_FALSE(sid_to_string(sixteen));
}

TEST_CASE("sid_from_mof reads a CreatorSID array and refuses anything else") {
    MofText got = parse_mof(k_binding);
    REQUIRE(got.complete);
    // 33 + 2*2^8 = 545, BUILTIN\Users.
    CHECK(sid_from_mof(*got.filter()->find("CreatorSID")) == "S-1-5-32-545");
    CHECK_FALSE(sid_from_mof(*got.filter()->find("Name")));
    auto sid_of = [](std::string_view array) {
        MofText text = parse_mof("instance of C { S = " + std::string(array) + "; };");
        return sid_from_mof(*text.instances.at(0).find("S"));
    };
    CHECK(sid_of("{1, 0, 0, 0, 0, 0, 0, 0x10}") == "S-1-16");
    CHECK_FALSE(sid_of("{1, 0, 0, 0, 0, 0, 0, 256}"));
    CHECK_FALSE(sid_of("{1, 0, 0, 0, 0, 0, 0, -1}"));
    CHECK_FALSE(sid_of("{1, 0, 0, 0, 0, 0, 0, \"5\"}"));
    CHECK_FALSE(sid_of("{1, 0, 0, 0, 0, 0, 0}"));
}

TEST_CASE("consumer_action gives what each consumer class runs or writes") {
    auto action = [](std::string_view body) {
        MofText text = parse_mof(std::string(body));
        REQUIRE(text.complete);
        return consumer_action(text.instances.at(0));
    };
    CHECK(action("instance of CommandLineEventConsumer { ExecutablePath = \"C:\\\\a.exe\"; "
                 "CommandLineTemplate = \"a.exe /x\"; };")
              .action == "a.exe /x");
    CHECK(action("instance of CommandLineEventConsumer { ExecutablePath = \"C:\\\\a.exe\"; };")
              .action == "C:\\a.exe");
    ConsumerAction script = action("instance of ActiveScriptEventConsumer { ScriptingEngine = "
                                   "\"VBScript\"; ScriptFileName = \"C:\\\\s.vbs\"; };");
    CHECK(script.action == "C:\\s.vbs");
    CHECK(script.scripting_engine == "VBScript");
    CHECK(action("instance of ActiveScriptEventConsumer { ScriptText = \"x\"; ScriptFileName "
                 "= \"C:\\\\s.vbs\"; };")
              .action == "x");
    CHECK(action("instance of LogFileEventConsumer { FileName = \"C:\\\\l.txt\"; Text = "
                 "\"%TargetInstance.Name%\"; };")
              .action == "C:\\l.txt: %TargetInstance.Name%");
    CHECK(
        action("instance of SMTPEventConsumer { Subject = \"hi\"; ToLine = \"a@b.c\"; };").action ==
        "a@b.c: hi");
    CHECK(action("instance of SMTPEventConsumer { ToLine = \"a@b.c\"; };").action == "a@b.c");
    CHECK(action("instance of NTEventLogEventConsumer { SourceName = \"Src\"; EventID = 7; };")
              .action == "Src event 7");
    CHECK(action("instance of NTEventLogEventConsumer { SourceName = \"Src\"; };").action == "Src");
    CHECK(action("instance of MyConsumer { ScriptText = \"y\"; ScriptingEngine = \"JScript\"; };")
              .scripting_engine == "JScript");
    CHECK(action("instance of MyConsumer { Other = \"y\"; };").action.empty());
}

TEST_CASE("sysmon_value unquotes and unescapes Sysmon's WMI values") {
    // The EventData of Sysmon-19-20-21_CommandLineEventConsumer.evtx and
    // Sysmon-19-20_PowerLurk.evtx, byte for byte (python-evtx).
    CHECK(sysmon_value(R"( "BotConsumer23")") == "BotConsumer23");
    CHECK(sysmon_value(R"( "c:\\Windows\\System32\\cmd.exe")") == R"(c:\Windows\System32\cmd.exe)");
    CHECK(sysmon_value(R"( "root\\cimv2")") == R"(root\cimv2)");
    CHECK(sysmon_value(R"( "cmd.exe /c echo %ProcessId% >> c:\\\\temp\\\\log.txt")") ==
          R"(cmd.exe /c echo %ProcessId% >> c:\\temp\\log.txt)");
    CHECK(sysmon_value(R"( "CommandLineEventConsumer.Name=\"BotConsumer23\"")") ==
          R"(CommandLineEventConsumer.Name="BotConsumer23")");
    CHECK(sysmon_value(R"( "SELECT * FROM X WHERE N='a'")") == "SELECT * FROM X WHERE N='a'");
    CHECK(sysmon_value("Command Line") == "Command Line");
    CHECK(sysmon_value("  ") == "");
    CHECK(sysmon_value(R"( "cut \"here)") == R"(cut "here)");
    CHECK(sysmon_value(R"("a\nb\")") == R"(a\nb")");
    CHECK(sysmon_value(R"("ends in \)") == R"(ends in \)");

    CHECK(sysmon_consumer_class("Command Line") == "CommandLineEventConsumer");
    CHECK(sysmon_consumer_class("Script") == "ActiveScriptEventConsumer");
    CHECK(sysmon_consumer_class("Log File").empty());
}

TEST_CASE("parse_object_path splits WMI object paths") {
    auto path = parse_object_path(R"(CommandLineEventConsumer.Name="BotConsumer23")");
    REQUIRE(path);
    CHECK(path->server.empty());
    CHECK(path->name_space.empty());
    CHECK(path->class_name == "CommandLineEventConsumer");
    REQUIRE(path->keys.size() == 1);
    CHECK(path->keys[0].name == "Name");
    CHECK(path->key("name") == "BotConsumer23");

    path = parse_object_path(R"(\\.\ROOT\subscription:__EventFilter.Name="a \"b\" c\\d")");
    REQUIRE(path);
    CHECK(path->server == ".");
    CHECK(path->name_space == R"(ROOT\subscription)");
    CHECK(path->class_name == "__EventFilter");
    CHECK(path->key("Name") == R"(a "b" c\d)");

    path = parse_object_path("//HOST/root/subscription:ActiveScriptEventConsumer.Name=\"x\"");
    REQUIRE(path);
    CHECK(path->server == "HOST");
    CHECK(path->name_space == "root/subscription");

    // 5861's CONSUMER field: one unnamed key.
    path = parse_object_path(R"(NTEventLogEventConsumer="SCM Event Log Consumer")");
    REQUIRE(path);
    CHECK(path->keys.at(0).name.empty());
    CHECK(path->key("Name") == "SCM Event Log Consumer");

    path = parse_object_path(R"(root\cimv2:Win32_Foo.A="x",B=5)");
    REQUIRE(path);
    CHECK(path->name_space == R"(root\cimv2)");
    REQUIRE(path->keys.size() == 2);
    CHECK(path->key("b") == "5");
    CHECK(path->key("Name").empty());

    path = parse_object_path(R"(Win32_Directory.Name="C:\\Windows")");
    REQUIRE(path);
    CHECK(path->name_space.empty());
    CHECK(path->key("Name") == R"(C:\Windows)");

    CHECK(parse_object_path("__Win32Provider=@")->key("x") == "@");
    CHECK(parse_object_path("__EventFilter")->keys.empty());

    for (std::string_view bad :
         {"", ".Name=\"x\"", "Class.Name", "Class.Name=\"x", "Class.Name=\"x\" y", R"(\\.)",
          R"(\\.\root)", "Class=", "Class.=1", "Class.A=1,", "Cl ass"})
        CHECK_FALSE(parse_object_path(bad));
}

TEST_CASE("canonical_namespace makes namespaces comparable") {
    CHECK(canonical_namespace("//./root/subscription") == R"(root\subscription)");
    CHECK(canonical_namespace(R"(\\HOST\ROOT\Subscription)") == R"(root\subscription)");
    CHECK(canonical_namespace(R"(ROOT\cimv2)") == R"(root\cimv2)");
    CHECK(canonical_namespace("root/cimv2") == R"(root\cimv2)");
    CHECK(canonical_namespace(R"(\\.)") == "");
}

TEST_CASE("every 5861 text of the shared samples parses completely") {
    const std::filesystem::path samples =
        std::filesystem::path(WMIHUNT_TEST_DATA) / ".." / ".." / "shared" / "evtx-samples";
    if (!std::filesystem::is_directory(samples)) {
        WARN("skipped: " << samples.string() << " is absent");
        return;
    }
    // PossibleCause of every 5861 record of `file`, read with wmihunt's reader.
    auto possible_causes = [](const std::filesystem::path& file) {
        std::vector<std::string> texts;
        RecordSelector selector{.keys = {{"Microsoft-Windows-WMI-Activity", 5861}}};
        read_evtx(file, selector, [&](const RawRecord& record) {
            Event event = make_event(record);
            REQUIRE(event.field("PossibleCause") != nullptr);
            texts.push_back(*event.field("PossibleCause"));
        });
        return texts;
    };
    // The counts of 5861 records python-evtx finds in each file.
    const std::map<std::string, size_t> expected{
        {"wmi/Server2022-APTSimulatorVM_WMI-Activity.evtx", 5},
        {"wmi/Win10-RathbunVM_WMI-Activity.evtx", 4},
        {"triage/Win10-APTSimulatorVM/Microsoft-Windows-WMI-Activity%4Operational.evtx", 3},
    };
    std::map<std::string, MofText> by_consumer;
    size_t parsed = 0;
    for (const auto& [name, count] : expected) {
        std::vector<std::string> texts = possible_causes(samples / name);
        INFO(name);
        CHECK(texts.size() == count);
        for (const std::string& text : texts) {
            MofText got = parse_mof(text);
            INFO(got.problem << " at " << got.stopped_at);
            REQUIRE(got.complete);
            REQUIRE(got.instances.size() == 2);
            REQUIRE(got.filter() != nullptr);
            REQUIRE(got.consumer() != nullptr);
            CHECK(sid_from_mof(*got.filter()->find("CreatorSID")));
            CHECK(sid_from_mof(*got.consumer()->find("CreatorSID")));
            std::string key = name.substr(0, name.find('/')) + " " + got.consumer()->text("Name");
            by_consumer.emplace(key, got);
            ++parsed;
        }
        for (const std::string& text : std::set<std::string>(texts.begin(), texts.end()))
            check_every_cut(text);
    }
    CHECK(parsed == 12);

    const MofText& beacon = by_consumer.at("wmi LaunchBeaconingBackdoor");
    const MofInstance& filter = *beacon.filter();
    const MofInstance& consumer = *beacon.consumer();
    CHECK(consumer.class_name == "ActiveScriptEventConsumer");
    CHECK(filter.text("Name") == "TimingIntervalTrigger");
    CHECK(filter.text("Query") == "SELECT * FROM __TimerEvent WHERE TimerID = 'Timer'");
    CHECK(filter.text("EventNamespace") == R"(ROOT\cimv2)");
    CHECK(sid_from_mof(*filter.find("CreatorSID")) ==
          "S-1-5-21-3275454858-3348516582-95323724-1000");
    ConsumerAction action = consumer_action(consumer);
    CHECK(action.scripting_engine == "VBScript");
    CHECK(action.action.starts_with("                Option Explicit\n"));
    CHECK(
        action.action.find(
            R"(GetObject("winmgmts:{impersonationLevel=impersonate}!\\.\root\default:StdRegProv"))") !=
        std::string::npos);
    CHECK(action.action.ends_with("End If\n"));
    SubscriptionPayload payload{.consumer_type = consumer.class_name,
                                .action = action.action,
                                .scripting_engine = action.scripting_engine,
                                .query = filter.text("Query")};
    CHECK(indicators(payload) == std::vector<std::string_view>{"script-consumer", "url"});

    const MofText& kill = by_consumer.at("wmi KillProcess");
    CHECK(kill.filter()->text("Name") == "ProcessStartTrigger");
    CHECK(kill.filter()->text("Query") ==
          "SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = 'procexp64.exe'");
    CHECK(consumer_action(*kill.consumer()).action.ends_with("\t            Next"));
    // The triage host's KillProcess was made by another user: 49 + 161*2^8 + 230*2^16 +
    // 131*2^24 = 2212929841, 165 + 179*2^8 + 199*2^16 + 162*2^24 = 2730996645,
    // 88 + 133*2^8 + 231*2^16 + 157*2^24 = 2649195864.
    CHECK(sid_from_mof(*by_consumer.at("triage KillProcess").filter()->find("CreatorSID")) ==
          "S-1-5-21-2212929841-2730996645-2649195864-1000");

    const MofText& scm = by_consumer.at("wmi SCM Event Log Consumer");
    CHECK(scm.filter()->text("Name") == "SCM Event Log Filter");
    CHECK(scm.filter()->text("Query") == "select * from MSFT_SCMEventLogEvent");
    CHECK(scm.consumer()->class_name == "NTEventLogEventConsumer");
    CHECK(consumer_action(*scm.consumer()).action == "Service Control Manager");
    CHECK(sid_from_mof(*scm.consumer()->find("CreatorSID")) == "S-1-5-32-544");
}

TEST_CASE("Sysmon 21's binding values from the shared sample split into class and name") {
    const std::filesystem::path file = std::filesystem::path(WMIHUNT_TEST_DATA) / ".." / ".." /
                                       "shared" / "evtx-samples" / "sysmon" /
                                       "Sysmon-19-20-21_CommandLineEventConsumer.evtx";
    if (!std::filesystem::is_regular_file(file)) {
        WARN("skipped: " << file.string() << " is absent");
        return;
    }
    std::vector<std::pair<std::string, std::string>> bindings;
    RecordSelector selector{.keys = {{"Microsoft-Windows-Sysmon", 21}}};
    read_evtx(file, selector, [&](const RawRecord& record) {
        Event event = make_event(record);
        REQUIRE(event.field("Consumer") != nullptr);
        REQUIRE(event.field("Filter") != nullptr);
        bindings.emplace_back(*event.field("Consumer"), *event.field("Filter"));
    });
    REQUIRE(bindings.size() == 2); // created, then deleted
    for (const auto& [consumer, filter] : bindings) {
        auto consumer_path = parse_object_path(sysmon_value(consumer));
        auto filter_path = parse_object_path(sysmon_value(filter));
        REQUIRE(consumer_path);
        REQUIRE(filter_path);
        CHECK(consumer_path->class_name == "CommandLineEventConsumer");
        CHECK(consumer_path->key("Name") == "BotConsumer23");
        CHECK(filter_path->class_name == "__EventFilter");
        CHECK(filter_path->key("Name") == "BotFilter82");
    }
}
