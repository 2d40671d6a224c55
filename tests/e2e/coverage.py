#!/usr/bin/env python3
"""--coverage and the missing-source warning on the shared samples, checked against an
independent reading of the same files by python-evtx.

usage: coverage.py WMIHUNT SAMPLES_DIR    (exits 77, skipped, when SAMPLES_DIR is absent)
"""
import csv
import datetime
import glob
import io
import os
import re
import subprocess
import sys

from checks import SKIPPED, expect, failures, samples_absent

SOURCES = ("Microsoft-Windows-WMI-Activity", "Microsoft-Windows-Sysmon")


def run(wmihunt, *args):
    proc = subprocess.run([wmihunt, *args], capture_output=True)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def python_evtx_coverage(paths):
    """Rows as --coverage -f csv prints them, from python-evtx: a file belongs to the source
    of its first record; its host is its last record's Computer; first and last are the
    record headers' written times (zero times left out), truncated to the second."""
    import Evtx.Evtx as evtx

    rows = {}
    for path in paths:
        with evtx.Evtx(path) as log:
            records = list(log.records())
            if not records:
                continue
            first_xml = records[0].xml()
            provider = re.search(r'<Provider Name="([^"]*)"', first_xml).group(1)
            if provider not in SOURCES:
                continue
            channel = re.search(r"<Channel>([^<]*)</Channel>", first_xml).group(1)
            host = re.search(r"<Computer>([^<]*)</Computer>", records[-1].xml()).group(1)
            times = [r.timestamp() for r in records if r.unpack_qword(0x10) != 0]
        row = rows.setdefault((host, channel), [host, channel, 0, 0, None, None])
        row[2] += 1
        row[3] += len(records)
        row[4] = min(times) if row[4] is None else min(row[4], min(times))
        row[5] = max(times) if row[5] is None else max(row[5], max(times))
    fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S")
    return [[h, c, str(f), str(n), fmt(a), fmt(b)] for (h, c), (_, _, f, n, a, b) in sorted(rows.items())]


def main():
    wmihunt, samples = sys.argv[1], sys.argv[2]
    if samples_absent(samples):
        return SKIPPED
    triage = os.path.join(samples, "triage", "Win10-APTSimulatorVM")
    wmi = os.path.join(samples, "wmi")
    sysmon = os.path.join(samples, "sysmon")
    server = os.path.join(wmi, "Server2022-APTSimulatorVM_WMI-Activity.evtx")
    clean = os.path.join(wmi, "Win10-RathbunVM_WMI-Activity.evtx")

    paths = sorted(glob.glob(os.path.join(triage, "*.evtx")) + glob.glob(os.path.join(wmi, "*.evtx")) +
                   glob.glob(os.path.join(sysmon, "*.evtx")))
    want = python_evtx_coverage(paths)
    for screen in ([], ["--no-screen"]):
        code, out, err = run(wmihunt, "--coverage", "-f", "csv", *screen, triage, wmi, sysmon)
        got = list(csv.reader(io.StringIO(out, newline="")))
        expect(f"--coverage {' '.join(screen)}: one row per host and source, as python-evtx reads them",
               got[:1] == [["host", "source", "files", "records", "first", "last"]] and got[1:] == want,
               f"got {got}\nwant {want}")
        expect(f"--coverage {' '.join(screen)}: both sources present, no warning",
               "warning: no " not in err, err)
    expect("the samples hold 6 logs of the two sources (3 WMI-Activity, 3 Sysmon)",
           len(want) == 6 and sum(1 for r in want if "Sysmon" in r[1]) == 3, want)

    code, out, err = run(wmihunt, "-q", server)
    expect("WMI-Activity only: the Sysmon detections are named as unable to find anything",
           "wmihunt: warning: no Microsoft-Windows-Sysmon events in the inputs: sysmon-persistence "
           "and permanent-sysmon could find nothing\n" in err, err)
    expect("... and the warning does not change the exit status (findings: 1)", code == 1, code)
    code, out, err = run(wmihunt, "-q", clean)
    expect("... a clean WMI-Activity log still exits 0, with the warning", code == 0 and "no Microsoft-Windows-Sysmon" in err,
           f"{code} {err}")
    code, out, err = run(wmihunt, "-q", sysmon)
    expect("Sysmon only: the WMI-Activity detections are named",
           "wmihunt: warning: no Microsoft-Windows-WMI-Activity events in the inputs: temporary and "
           "permanent could find nothing\n" in err and code == 1, f"{code} {err}")
    code, out, err = run(wmihunt, "-q", "-d", "temporary", server)
    expect("only the selected detections' sources are looked for", "warning" not in err, err)
    code, out, err = run(wmihunt, "-q", "-d", "permanent-sysmon", os.path.join(triage, "System.evtx"))
    expect("a log of another source: the selected Sysmon detection is named",
           "no Microsoft-Windows-Sysmon events in the inputs: permanent-sysmon could find nothing" in err
           and code == 0, f"{code} {err}")
    code, out, err = run(wmihunt, "--coverage", "-f", "jsonl", "-d", "temporary", server)
    expect("--coverage -f jsonl: the WMI-Activity log of WIN-FUDU2CKJOE8",
           out.count("\n") == 1 and '"host":"WIN-FUDU2CKJOE8"' in out and '"records":137' in out, out)
    code, out, err = run(wmihunt, "--coverage", "--events", server)
    expect("--coverage with --events is a usage error", code == 2 and "choose one" in err, err)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
