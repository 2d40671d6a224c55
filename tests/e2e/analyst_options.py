#!/usr/bin/env python3
"""The analyst options on real logs: listing, tuning, time window and zone, JSON, CSV.

usage: analyst_options.py WMIHUNT SAMPLES ALLOWLIST

Expected values come from ../shared/evtx-samples/expected (computed with python-evtx)
and from the times in those files. Exit 77 when SAMPLES is absent.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile

from checks import SKIPPED, expect, failures, samples_absent



def run(wmihunt, *args):
    proc = subprocess.run([wmihunt, "-q", *args], capture_output=True)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8")


def rows(data, encoding="utf-8"):
    return list(csv.reader(io.StringIO(data.decode(encoding), newline=""), strict=True))


def expected(samples, name):
    with open(os.path.join(samples, "expected", name), encoding="utf-8", newline="") as f:
        return list(csv.reader(f, strict=True))


def strict_json(text):
    """json.loads that also rejects duplicate keys, NaN/Infinity and invalid UTF-8."""
    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError(f"duplicate keys {keys}")
        return dict(pairs)

    def no_constant(name):
        raise ValueError(f"non-standard constant {name}")

    return json.loads(text.decode("utf-8", errors="strict"), object_pairs_hook=no_duplicates,
                      parse_constant=no_constant)


def main():
    wmihunt, samples, allowlist = sys.argv[1:4]
    if samples_absent(samples):
        return SKIPPED
    server = os.path.join(samples, "wmi", "Server2022-APTSimulatorVM_WMI-Activity.evtx")
    rathbun = os.path.join(samples, "wmi", "Win10-RathbunVM_WMI-Activity.evtx")
    all_p = expected(samples, "Server2022-APTSimulatorVM_WMI-Activity.permanent.all.csv")
    all_t = expected(samples, "Server2022-APTSimulatorVM_WMI-Activity.temporary.all.csv")

    # --list-detections
    code, out, err = run(wmihunt, "--list-detections")
    text = out.decode()
    expect("--list-detections exits 0 without a PATH", code == 0, err)
    for needle in ["temporary: WMI Temporary Event Subscription", "permanent: WMI Permanent Event Subscription",
                   "Microsoft-Windows-WMI-Activity 5860", "Microsoft-Windows-WMI-Activity 5861",
                   "38cbd42c-1098-41bb-99cf-9d6d2b296d83", "71bfdb13-f200-4c6c-b2c9-a2e07adf437d",
                   "MITRE:       T1047   risk score: 25", "`wmi` EventCode=5861 Binding",
                   "consumer!=\"NTEventLogEventConsumer=\"SCM Event Log Consumer\"\"",
                   "filter (ESS)"]:
        expect(f"--list-detections shows {needle}", needle in text, text)

    # Shipped allowlist: it holds Splunk's defaults, so with --no-default-exclusions it
    # gives the default results, and it hides Windows' own subscriptions of a clean host.
    for det, want in (("permanent", "Server2022-APTSimulatorVM_WMI-Activity.permanent.csv"),
                      ("temporary", "Server2022-APTSimulatorVM_WMI-Activity.temporary.csv")):
        code, out, err = run(wmihunt, "-f", "csv", "-d", det, "--no-default-exclusions",
                             "--allowlist", allowlist, server)
        expect(f"shipped allowlist reproduces Splunk's default {det} results",
               code == 1 and rows(out) == expected(samples, want), f"{code} {err}")
    code, out, err = run(wmihunt, "--no-default-exclusions", "--allowlist", allowlist, rathbun)
    expect("shipped allowlist: a host with only Windows' subscriptions exits 0", code == 0, f"{code} {err}")

    # --exclude / --include
    code, out, err = run(wmihunt, "-f", "csv", "-d", "permanent", "--exclude", "consumer=KillProcess", server)
    expect("--exclude consumer=KillProcess leaves the other row",
           rows(out) == [all_p[0], all_p[2]], rows(out))
    code, out, err = run(wmihunt, "-f", "csv", "-d", "permanent", "--include", "filter=^TimingIntervalTrigger$", server)
    expect("--include filter=... keeps its binding only", rows(out) == [all_p[0], all_p[2]], rows(out))
    code, out, err = run(wmihunt, "-f", "csv", "-d", "permanent", "--no-default-exclusions",
                         "--include", "consumer=KillProcess", "--include", "consumer=SCM", server)
    expect("--include twice on one field keeps either", rows(out) == [all_p[0], all_p[1], all_p[3]], rows(out))
    code, out, err = run(wmihunt, "-f", "csv", "-d", "permanent", "--no-default-exclusions",
                         "--include", "consumer=KillProcess", "--include", "namespace=nomatch", server)
    expect("--include on two fields needs both", rows(out) == [all_p[0]] and code == 0, rows(out))

    # --since / --until / --timezone (times from the expected files: 02:45:44 .. 02:52:20 UTC)
    code, out, err = run(wmihunt, "-f", "csv", "-d", "temporary", "--no-default-exclusions",
                         "--since", "2023-10-18T02:52:00Z", server)
    expect("--since keeps later events", rows(out) == [all_t[0], all_t[2]], rows(out))
    code, out, err = run(wmihunt, "-f", "csv", "-d", "temporary", "--no-default-exclusions",
                         "--since", "2023-10-18T04:52", "--timezone", "Europe/Berlin", server)
    got = rows(out)
    expect("--since without a zone is in --timezone, and times print in it",
           len(got) == 2 and got[1][:3] == all_t[2][:3] and got[1][3] == "2023-10-18T04:52:20+02:00", got)
    code, out, err = run(wmihunt, "-f", "csv", "-d", "temporary", "--no-default-exclusions",
                         "--until", "2023-10-18T02:52:20Z", server)
    expect("--until keeps only earlier events", rows(out) == [all_t[0], all_t[1]], rows(out))
    code, out, err = run(wmihunt, "-f", "csv", "--events", "--time-format", "iso", "--timezone", "Asia/Kolkata", server)
    got = rows(out)
    expect("--events times in ISO-8601 with the zone's offset",
           len(got) == 4 and all(r[0].endswith("+05:30") and len(r[0]) == 33 for r in got[1:]), got)

    # JSON: strict parse; the same rows as CSV
    code, out, err = run(wmihunt, "-f", "json", "--no-default-exclusions", server)
    doc = strict_json(out)
    by_name = {d["detection"]: d for d in doc["detections"]}
    for det, want in (("temporary", all_t), ("permanent", all_p)):
        got = [[str(r[c]) for c in want[0]] for r in by_name[det]["rows"]]
        expect(f"--format json {det} rows equal the expected CSV rows", got == want[1:], got)
    expect("--format json names detection metadata",
           by_name["permanent"]["mitre"] == "T1047" and by_name["permanent"]["risk_score"] == 25, doc)
    code, out, err = run(wmihunt, "-f", "jsonl", "--no-default-exclusions", server)
    lines = [strict_json(line) for line in out.splitlines()]
    expect("--format jsonl: one object per row", len(lines) == len(all_t) - 1 + len(all_p) - 1, lines)
    code, out, err = run(wmihunt, "-f", "json", "--events", "--no-default-exclusions", server)
    events = strict_json(out)["events"]
    expect("--events --format json: every event, record ids as numbers",
           len(events) == 9 and all(isinstance(e["record_id"], int) for e in events), events)
    code, out, err = run(wmihunt, "-f", "jsonl", "--events", "--no-default-exclusions", server, rathbun)
    expect("--events --format jsonl parses line by line", len([strict_json(l) for l in out.splitlines()]) == 16, out)

    # CSV for spreadsheets
    code, plain, err = run(wmihunt, "-f", "csv", "-d", "permanent", server)
    code, bom, err = run(wmihunt, "-f", "csv", "-d", "permanent", "--csv-bom", server)
    expect("--csv-bom: a UTF-8 BOM, then the same CSV",
           bom.startswith(b"\xef\xbb\xbf") and bom[3:] == plain and not plain.startswith(b"\xef"), bom[:20])
    code, flat, err = run(wmihunt, "-f", "csv", "-d", "permanent", "--csv-flatten", server)
    got, want = rows(flat), rows(plain)
    expect("--csv-flatten: no line break in any cell, one line per record",
           len(flat.split(b"\r\n")) == len(want) + 1 and all("\n" not in c and "\r" not in c for r in got for c in r)
           and [r[2] for r in got[1:]] == [r[2].replace("\r\n", " ").replace("\n", " ") for r in want[1:]], got)
    code, raw, err = run(wmihunt, "-f", "csv", "-d", "permanent", "--csv-raw", server)
    expect("--csv-raw equals the default when no cell starts with = + - @", raw == plain)

    with tempfile.TemporaryDirectory() as tmp:
        out_dir = os.path.join(tmp, "out")
        code, out, err = run(wmihunt, "-f", "json", "--output-dir", out_dir, server)
        names = sorted(os.listdir(out_dir))
        code, listing, err = run(wmihunt, "--list-detections")
        detections = re.findall(r"^([a-z-]+): ", listing.decode("utf-8"), re.M)
        expect("--output-dir with json writes one document per detection",
               len(detections) >= 4 and names == sorted(d + ".json" for d in detections) and all(
                   len(strict_json(open(os.path.join(out_dir, n), "rb").read())["detections"]) == 1 for n in names), names)

    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
