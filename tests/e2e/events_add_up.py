#!/usr/bin/env python3
"""The --events timeline lists exactly the events the aggregate counts.

usage: events_add_up.py WMIHUNT SAMPLES

For real logs, with and without Splunk's default exclusions: the events of --events
--format csv, grouped by (detection, host, extracted field), are as many per group as
the aggregate's count column sums to, and their earliest and latest times, truncated
to the second, are the aggregate's firstTime and lastTime. Exit 77 when SAMPLES is absent.
"""
import collections
import csv
import io
import os
import subprocess
import sys

from checks import SKIPPED, failures, samples_absent



def run_csv(wmihunt, *args):
    proc = subprocess.run([wmihunt, "-q", "--format", "csv", *args], capture_output=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"wmihunt {' '.join(args)} exited {proc.returncode}: {proc.stderr!r}")
    rows = list(csv.reader(io.StringIO(proc.stdout.decode("utf-8"), newline=""), strict=True))
    return rows[0], rows[1:]


def main():
    wmihunt, samples = sys.argv[1], sys.argv[2]
    if samples_absent(samples):
        return SKIPPED
    server = os.path.join(samples, "wmi", "Server2022-APTSimulatorVM_WMI-Activity.evtx")
    rathbun = os.path.join(samples, "wmi", "Win10-RathbunVM_WMI-Activity.evtx")
    triage = os.path.join(samples, "triage", "Win10-APTSimulatorVM")
    cases = [[server], ["--no-default-exclusions", server], ["--no-default-exclusions", rathbun],
             [triage], ["--no-default-exclusions", server, rathbun]]
    total_events = 0
    for case in cases:
        header, events = run_csv(wmihunt, "--events", *case)
        col = {name: i for i, name in enumerate(header)}
        total_events += len(events)
        for detection in ("temporary", "permanent"):
            agg_header, agg_rows = run_csv(wmihunt, "-d", detection, *case)
            want = collections.defaultdict(lambda: [0, "9999", "0000"])
            for row in agg_rows:
                key = (detection, row[0], row[1])  # host, extracted field
                entry = want[key]
                entry[0] += int(row[agg_header.index("count")])
                entry[1] = min(entry[1], row[agg_header.index("firstTime")])
                entry[2] = max(entry[2], row[agg_header.index("lastTime")])
            got = collections.defaultdict(lambda: [0, "9999", "0000"])
            for event in events:
                if event[col["detection"]] != detection:
                    continue
                key = (detection, event[col["host"]], event[col["value"]])
                entry = got[key]
                entry[0] += 1
                second = event[col["time"]][:19]  # ISO with fraction and Z: keep the second
                entry[1] = min(entry[1], second)
                entry[2] = max(entry[2], second)
            name = f"{detection} {' '.join(os.path.basename(a) for a in case)}"
            ok = dict(want) == dict(got)
            print(("ok   " if ok else "FAIL ") + f"{name}: {sum(v[0] for v in want.values())} events in {len(want)} groups")
            if not ok:
                failures.append(name)
                print(f"     aggregate: {dict(want)}\n     events:    {dict(got)}")
    if total_events == 0:
        failures.append("no events at all: the comparison proved nothing")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
