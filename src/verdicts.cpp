// verdicts: the indicator table and its matcher.
#include "wmihunt/verdicts.hpp"

#include "wmihunt/regex.hpp"

#include <array>

namespace wmihunt {

namespace {

// Sources, as paths in their repositories:
//   Sigma       github.com/SigmaHQ/sigma
//   Hayabusa    github.com/Yamato-Security/hayabusa-rules
//   DeepBlueCLI github.com/sans-blue-team/DeepBlueCLI
// Sigma's "contains" is a caseless substring test, as these patterns are.
constexpr std::array k_rules{
    IndicatorRule{
        .name = "script-consumer",
        .tests = PayloadField::consumer_type,
        .pattern = "^ActiveScriptEventConsumer$",
        .source = "Sigma rules/windows/process_creation/"
                  "proc_creation_win_wmi_persistence_script_event_consumer.yml (scrcons.exe, "
                  "the host of script consumers)",
    },
    IndicatorRule{
        .name = "shell-or-script-host",
        .tests = PayloadField::action,
        .pattern = "\\b(powershell|pwsh|cmd|mshta|wscript|cscript|rundll32|regsvr32)(\\.exe)?\\b",
        .source = "Sigma rules/windows/process_creation/"
                  "proc_creation_win_wmic_susp_process_creation.yml; Hayabusa "
                  "hayabusa/builtin/WMI-Activity_Op/"
                  "WMI_5861_Med_FilterToConsumerBinding_CmdExec.yml (powershell, cmd)",
    },
    IndicatorRule{
        // PowerShell takes any prefix of -EncodedCommand from -e on, with - or /; the
        // argument must look like Base64, as in DeepBlueCLI's test.
        .name = "encoded-command",
        .tests = PayloadField::action,
        .pattern = "(^|\\s)[-/]e(c|n|nc|nco|ncod|ncode|ncoded|ncodedc|ncodedco|ncodedcom|"
                   "ncodedcomm|ncodedcomma|ncodedcomman|ncodedcommand)?\\s+[\"']?"
                   "[A-Za-z0-9+/=]{16,}",
        .source = "Sigma rules/windows/wmi_event/sysmon_wmi_susp_scripting.yml (' -enc '); "
                  "DeepBlueCLI DeepBlue.ps1 Check-Command (-enc, -En)",
    },
    IndicatorRule{
        .name = "base64-decode",
        .tests = PayloadField::action,
        .pattern = "FromBase64String|FromBase64Transform|\\s-decode\\s",
        .source = "DeepBlueCLI DeepBlue.ps1 Check-Command (:FromBase64String); Sigma "
                  "rules/windows/wmi_event/sysmon_wmi_susp_scripting.yml "
                  "(FromBase64Transform, ' -decode ')",
    },
    IndicatorRule{
        .name = "long-base64",
        .tests = PayloadField::action,
        .pattern = "[a-zA-Z0-9/+=]{500}",
        .source = "DeepBlueCLI regexes.txt (500+ consecutive Base64 characters)",
    },
    IndicatorRule{
        .name = "powershell-evasion",
        .tests = PayloadField::action,
        .pattern = "\\siex\\(|\\s-nop\\s|\\s-noprofile\\s|WScript\\.Shell",
        .source = "Sigma rules/windows/wmi_event/sysmon_wmi_susp_scripting.yml "
                  "(' iex(', ' -nop ', ' -noprofile ', 'WScript.Shell')",
    },
    IndicatorRule{
        .name = "download-cradle",
        .tests = PayloadField::action,
        .pattern = "Net\\.WebClient|\\.DownloadString\\(|\\.DownloadFile\\(|Invoke-WebRequest\\s|"
                   "\\biwr\\s",
        .source =
            "Sigma rules/windows/wmi_event/sysmon_wmi_susp_scripting.yml, "
            "rules/windows/process_creation/proc_creation_win_powershell_download_cradles.yml; "
            "DeepBlueCLI regexes.txt (DownloadString)",
    },
    IndicatorRule{
        .name = "bitsadmin-download",
        .tests = PayloadField::action,
        .pattern = "bitsadmin.*\\s/(transfer|create|addfile)\\s",
        .source = "Sigma rules/windows/process_creation/proc_creation_win_bitsadmin_download.yml",
    },
    IndicatorRule{
        .name = "certutil-download",
        .tests = PayloadField::action,
        .pattern = "certutil.*[-/](urlcache|verifyctl)\\s",
        .source = "Sigma rules/windows/process_creation/proc_creation_win_certutil_download.yml",
    },
    IndicatorRule{
        // The network half of the download rules above ('http' in Sigma's certutil and
        // bitsadmin rules, DownloadString(.http in DeepBlueCLI), on its own: a payload
        // that names a URL reaches out, whatever fetches it.
        .name = "url",
        .tests = PayloadField::action,
        .pattern = "\\b(https?|ftp)://",
        .source = "Sigma rules/windows/process_creation/proc_creation_win_certutil_download.yml, "
                  "proc_creation_win_bitsadmin_download.yml ('http'); DeepBlueCLI regexes.txt",
    },
    IndicatorRule{
        .name = "user-writable-path",
        .tests = PayloadField::action,
        .pattern = "\\\\Users\\\\Public\\\\|\\\\AppData\\\\|\\\\Temp\\\\|\\\\ProgramData\\\\|"
                   "%temp%|%tmp%|%ProgramData%|%appdata%|%localappdata%",
        .source = "Sigma rules/windows/process_creation/"
                  "proc_creation_win_wmic_susp_process_creation.yml (\\Users\\Public\\, "
                  "\\Windows\\Temp\\, \\AppData\\Local\\, %temp%, %tmp%, %ProgramData%, "
                  "%appdata%, %localappdata%)",
    },
};

const std::string& field(const SubscriptionPayload& payload, PayloadField which) {
    switch (which) {
    case PayloadField::consumer_type:
        return payload.consumer_type;
    case PayloadField::action:
        return payload.action;
    case PayloadField::scripting_engine:
        return payload.scripting_engine;
    case PayloadField::query:
        break;
    }
    return payload.query;
}

// The table's patterns, compiled once (a bad pattern is a build defect: the unit tests
// compile every row).
const std::vector<Regex>& compiled() {
    static const std::vector<Regex> regexes = [] {
        std::vector<Regex> out;
        out.reserve(k_rules.size());
        for (const IndicatorRule& rule : k_rules)
            out.emplace_back(std::string("(?s)") + std::string(rule.pattern),
                             Regex::Options{.caseless = true});
        return out;
    }();
    return regexes;
}

} // namespace

std::span<const IndicatorRule> indicator_rules() {
    return k_rules;
}

std::vector<std::string_view> indicators(const SubscriptionPayload& payload) {
    const std::vector<Regex>& regexes = compiled();
    std::vector<std::string_view> fired;
    for (size_t i = 0; i < k_rules.size(); ++i)
        if (regexes[i].matches(field(payload, k_rules[i].tests)))
            fired.push_back(k_rules[i].name);
    return fired;
}

} // namespace wmihunt
