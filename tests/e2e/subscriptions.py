#!/usr/bin/env python3
"""--subscriptions and the payload columns of --events on the shared samples: the cases the
samples are known for, and the evidence counted against python-evtx's reading of the same
files.

usage: subscriptions.py WMIHUNT SAMPLES_DIR ALLOWLIST
(exits 77, skipped, when SAMPLES_DIR is absent)
"""
import collections
import csv
import datetime
import glob
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from checks import SKIPPED, expect, failures, samples_absent

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
COLUMNS = ["host", "kind", "namespace", "filter", "query", "query_namespace", "consumer_type",
           "consumer", "action", "scripting_engine", "creator_sid", "user", "first_seen",
           "last_seen", "state", "evidence", "verdict", "indicators", "allowlist_rule", "mitre",
           "notes"]


def run(wmihunt, *args):
    proc = subprocess.run([wmihunt, "-q", *args], capture_output=True)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def subscriptions(wmihunt, *args):
    code, out, err = run(wmihunt, "--subscriptions", "-f", "json", *args)
    if not out:
        print(err)
        return code, []
    return code, json.loads(out)["subscriptions"]


def one(rows, **fields):
    found = [r for r in rows if all(r.get(k) == v for k, v in fields.items())]
    return found[0] if len(found) == 1 else None


def python_evtx_evidence(path):
    """Per host, the events of each evidence source in one log, and each source's times
    (as --time-format iso prints them), read by python-evtx."""
    import Evtx.Evtx as evtx

    counts = collections.Counter()
    times = collections.defaultdict(list)
    sources = {("Microsoft-Windows-WMI-Activity", i): str(i) for i in (5859, 5860, 5861)}
    sources.update({("Microsoft-Windows-Sysmon", i): f"sysmon{i}" for i in (19, 20, 21)})
    with evtx.Evtx(path) as log:
        for record in log.records():
            system = ET.fromstring(record.xml()).find(NS + "System")
            key = (system.find(NS + "Provider").get("Name"), int(system.find(NS + "EventID").text))
            if key not in sources:
                continue
            host = system.find(NS + "Computer").text
            counts[(host, sources[key])] += 1
            times[host].append(system.find(NS + "TimeCreated").get("SystemTime"))
    return counts, times


def parse_python_evtx(system_time):
    form = "%Y-%m-%d %H:%M:%S.%f" if "." in system_time else "%Y-%m-%d %H:%M:%S"
    return datetime.datetime.strptime(system_time, form)


def parse_wmihunt(text):
    """wmihunt's --time-format iso in UTC (2023-10-18T03:01:34.4257457Z), to the microsecond."""
    return datetime.datetime.strptime(text[:26], "%Y-%m-%dT%H:%M:%S.%f")


def same_instant(ours, theirs):
    """python-evtx turns FILETIME into a datetime through floating point, which may be a
    microsecond or two off: equal within 2 us."""
    return abs(parse_wmihunt(ours) - parse_python_evtx(theirs)) <= datetime.timedelta(microseconds=2)


def main():
    wmihunt, samples, allowlist = sys.argv[1:4]
    if samples_absent(samples):
        return SKIPPED
    server = os.path.join(samples, "wmi", "Server2022-APTSimulatorVM_WMI-Activity.evtx")
    bot = os.path.join(samples, "sysmon", "Sysmon-19-20-21_CommandLineEventConsumer.evtx")

    code, rows = subscriptions(wmihunt, server)
    expect("Server2022: exit status 1, some subscription is not known-benign", code == 1, code)
    beacon = one(rows, consumer="LaunchBeaconingBackdoor")
    expect("Server2022: one LaunchBeaconingBackdoor subscription", beacon is not None, rows)
    if beacon:
        expected = {
            "kind": "permanent",
            "namespace": "root\\subscription",
            "consumer_type": "ActiveScriptEventConsumer",
            "scripting_engine": "VBScript",
            "filter": "TimingIntervalTrigger",
            "query": "SELECT * FROM __TimerEvent WHERE TimerID = 'Timer'",
            "creator_sid": "S-1-5-21-3275454858-3348516582-95323724-1000",
            "verdict": "suspicious",
            "state": "active",
            "mitre": "T1546.003",
            "evidence": {"5861": 1},
        }
        for field, value in expected.items():
            expect(f"LaunchBeaconingBackdoor: {field} is {value!r}", beacon[field] == value,
                   beacon[field])
        expect("LaunchBeaconingBackdoor: its URL is among the indicators",
               "url" in beacon["indicators"] and "script-consumer" in beacon["indicators"],
               beacon["indicators"])
        expect("LaunchBeaconingBackdoor: the action is the whole script, escapes decoded",
               'aC2URL = "http://googleaccountsservices.com/index.html&ID=" & aMachineGuid'
               in beacon["action"] and beacon["action"].count("\n") > 100, beacon["action"][:300])
    kill = one(rows, consumer="KillProcess")
    expect("Server2022: KillProcess, with the 5859 of its filter's query",
           kill is not None and kill["filter"] == "ProcessStartTrigger"
           and kill["evidence"] == {"5861": 1, "5859": 1}
           and kill["consumer_type"] == "ActiveScriptEventConsumer", kill)
    scm = one(rows, consumer="SCM Event Log Consumer")
    expect("Server2022: the SCM Event Log binding is known-benign by Splunk's default exclusion",
           scm is not None and scm["verdict"] == "known-benign"
           and scm["allowlist_rule"].startswith("Splunk default exclusion of permanent"), scm)

    code, rows = subscriptions(wmihunt, "--no-default-exclusions", server)
    scm = one(rows, consumer="SCM Event Log Consumer")
    expect("--no-default-exclusions: the SCM binding is no longer known-benign",
           scm is not None and scm["verdict"] == "unknown" and scm["allowlist_rule"] is None, scm)
    code, rows = subscriptions(wmihunt, "--no-default-exclusions", "--allowlist", allowlist, server)
    scm = one(rows, consumer="SCM Event Log Consumer")
    rule_line = None
    with open(allowlist, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.startswith('permanent:consumer=(?i)^NTEventLogEventConsumer="SCM Event Log'):
                rule_line = f"{allowlist}:{number}"
    expect("the shipped allowlist makes the SCM binding known-benign, naming its line",
           scm is not None and scm["verdict"] == "known-benign" and scm["allowlist_rule"] == rule_line,
           (scm, rule_line))
    beacon = one(rows, consumer="LaunchBeaconingBackdoor")
    expect("... and leaves LaunchBeaconingBackdoor suspicious", beacon and beacon["verdict"] == "suspicious")

    code, rows = subscriptions(wmihunt, "--exclude", "host=.", server)
    expect("every subscription known-benign: exit status 0",
           code == 0 and rows and all(r["verdict"] == "known-benign" for r in rows), (code, rows))
    code, rows = subscriptions(wmihunt, "--include", "host=^NOT-A-HOST$", server)
    expect("--include that matches no host: no subscription, exit status 0",
           code == 0 and rows == [], (code, rows))

    code, rows = subscriptions(wmihunt, bot)
    botrow = one(rows, consumer="BotConsumer23")
    expect("Sysmon: BotConsumer23 bound to BotFilter82, created then deleted",
           botrow is not None and botrow["filter"] == "BotFilter82" and botrow["state"] == "deleted"
           and botrow["consumer_type"] == "CommandLineEventConsumer"
           and botrow["action"] == "c:\\Windows\\System32\\cmd.exe"
           and botrow["user"] == "IEWIN7\\IEUser"
           and botrow["evidence"] == {"sysmon19": 2, "sysmon20": 2, "sysmon21": 2}, botrow)
    expect("Sysmon: one subscription in all", len(rows) == 1, rows)

    # Every evidence event of every sample is counted once, on its host, and the times
    # span the events' times, as python-evtx reads them.
    for path in sorted(glob.glob(os.path.join(samples, "wmi", "*.evtx")) +
                       glob.glob(os.path.join(samples, "sysmon", "*.evtx"))):
        name = os.path.basename(path)
        want, times = python_evtx_evidence(path)
        code, rows = subscriptions(wmihunt, path)
        got = collections.Counter()
        for r in rows:
            for source, n in r["evidence"].items():
                got[(r["host"], source)] += n
        expect(f"{name}: every 5859/5860/5861 and Sysmon 19/20/21 is evidence of one subscription",
               +got == +want, f"got {dict(got)}\nwant {dict(want)}")
        for host, host_times in times.items():
            firsts = [r["first_seen"] for r in rows if r["host"] == host]
            lasts = [r["last_seen"] for r in rows if r["host"] == host]
            expect(f"{name}: {host}'s subscriptions span its evidence's first and last time",
                   same_instant(min(firsts), min(host_times)) and same_instant(max(lasts), max(host_times)),
                   (min(firsts), max(lasts), min(host_times), max(host_times)))

    code, out, err = run(wmihunt, "--subscriptions", "-f", "csv", server)
    table = list(csv.reader(io.StringIO(out, newline="")))
    expect("CSV: the fixed columns", table and table[0] == COLUMNS, table[:1])
    code, out, err = run(wmihunt, "--subscriptions", "--width", "80", server)
    expect("table: titled with MITRE T1546.003", out.startswith(
        "WMI event subscriptions (MITRE T1546.003): "), out[:200])
    expect("table: the script whole, one line of it a line of the output, never cut",
           re.search(r'\n {22,}aC2URL = "http://googleaccountsservices\.com/index\.html&ID=" & '
                     r'aMachineGuid\n', out) is not None and "…" not in out, out[:3000])
    code, out, err = run(wmihunt, "--subscriptions", "-f", "jsonl", server)
    lines = [json.loads(line) for line in out.splitlines()]
    expect("JSONL: one object per subscription, the same as JSON, with what merge needs",
           [{k: v for k, v in line.items() if k not in ("run", "exact")} for line in lines] ==
           subscriptions(wmihunt, server)[1] and
           all(line["run"]["view"] == "subscriptions" for line in lines) and
           sum(len(line["exact"]["events"]) for line in lines) > 0, out[:500])

    # --events carries the decoded payload of 5861 and Sysmon events.
    code, out, err = run(wmihunt, "--events", "-f", "json", server)
    events = json.loads(out)["events"]
    beacon_events = [e for e in events if e["value"] == 'ActiveScriptEventConsumer="LaunchBeaconingBackdoor"']
    expect("--events: the 5861 of LaunchBeaconingBackdoor has consumer_type, action, creator_sid",
           len(beacon_events) == 1
           and beacon_events[0]["consumer_type"] == "ActiveScriptEventConsumer"
           and "aC2URL" in beacon_events[0]["action"]
           and beacon_events[0]["creator_sid"] == "S-1-5-21-3275454858-3348516582-95323724-1000",
           beacon_events)
    temporaries = [e for e in events if e["detection"] == "temporary"]
    expect("--events: a 5860 leaves them null",
           temporaries and all(e["consumer_type"] is None and e["action"] is None
                               and e["creator_sid"] is None for e in temporaries), temporaries[:1])
    code, out, err = run(wmihunt, "--events", "-f", "json", "-d", "sysmon-persistence", bot)
    events = json.loads(out)["events"]
    expect("--events: Sysmon 20 has its consumer's class and Destination, unquoted",
           len(events) == 2 and all(e["consumer_type"] == "CommandLineEventConsumer"
                                    and e["action"] == "c:\\Windows\\System32\\cmd.exe"
                                    and e["creator_sid"] == "" for e in events), events)

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
