#!/usr/bin/env python3
"""`wmihunt merge` of three runs gives what one run over all their inputs gives.

The shared triage folder and the sample logs are split into three runs: the first ends
with the triage host's Sysmon log, the second holds its WMI-Activity log (so that its
subscriptions are joined from two runs), the third the sample logs. For the counts of all
four detections, --events and --subscriptions, the merge of the three runs' JSON Lines is
byte-identical to one run's, as JSON Lines and as CSV (counts: one detection, CSV being
one table). With a copy of a log of the third run in the second too, --events and
--subscriptions still merge into one run's rows (each event once, as one run
de-duplicates), and counts with --keep-duplicates into one run's with it (counts added). Rows of runs with
other options, of another version or view, and lines that are not wmihunt rows are
refused with a message naming them.

usage: merge.py WMIHUNT SAMPLES_DIR     (exits 77, skipped, without the samples)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def run(wmihunt, args, expect=(0, 1)):
    proc = subprocess.run([wmihunt, *args], capture_output=True)
    if proc.returncode not in expect:
        sys.exit(f"wmihunt {' '.join(args[:6])}...: exit {proc.returncode}\n"
                 f"{proc.stderr.decode(errors='replace')}")
    return proc


def main():
    wmihunt, samples = sys.argv[1], sys.argv[2]
    triage = os.path.join(samples, "triage", "Win10-APTSimulatorVM")
    if not os.path.isdir(triage) or not os.path.isdir(os.path.join(samples, "wmi")):
        print(f"skipped: {triage} or {samples}/wmi is missing")
        return 77
    logs = sorted(os.path.join(triage, f) for f in os.listdir(triage) if f.endswith(".evtx"))
    sysmon = next(i for i, f in enumerate(logs) if "Sysmon%4Operational" in f)
    wmi_activity = next(i for i, f in enumerate(logs) if "WMI-Activity%4Operational" in f)
    assert sysmon < wmi_activity
    samples_logs = [os.path.join(samples, d, f) for d in ("wmi", "sysmon")
                    for f in sorted(os.listdir(os.path.join(samples, d))) if f.endswith(".evtx")]
    runs = [logs[:sysmon + 1], logs[sysmon + 1:], samples_logs]
    work = tempfile.mkdtemp(prefix="wmihunt-merge-")

    def part(args, files, name):
        """One run's JSON Lines, written to WORK/NAME; its path."""
        path = os.path.join(work, name)
        run(wmihunt, ["-q", "-f", "jsonl", *args, "-o", path, *files])
        return path

    try:
        # A copy of a WMI-Activity log of the third run, read by the second.
        copy = os.path.join(work, "copy-of-Server2022_WMI-Activity.evtx")
        shutil.copyfile(os.path.join(samples, "wmi", "Server2022-APTSimulatorVM_WMI-Activity.evtx"), copy)
        views = [("counts", []), ("events", ["--events"]), ("subscriptions", ["--subscriptions"])]
        for name, view in views:
            for with_copy in (False, True):
                # Counts hold no events: the copy counts again, as with --keep-duplicates.
                view = view + ["--keep-duplicates"] if name == "counts" and with_copy else view
                split = [list(r) for r in runs]
                if with_copy:
                    split[1].append(copy)
                everything = [f for r in split for f in r]
                parts = [part(view, files, f"{name}-{with_copy}-{i}.jsonl")
                         for i, files in enumerate(split)]
                one_run = run(wmihunt, ["-q", "-f", "jsonl", *view, *everything])
                one = one_run.stdout
                merged = run(wmihunt, ["merge", "-q", "-f", "jsonl", *parts])
                label = f"{name}{' with a copy in two runs' if with_copy else ''}"
                check(merged.stdout == one,
                      f"{label}: the merged JSON Lines differ from one run's "
                      f"({len(merged.stdout)} vs {len(one)} bytes)")
                check(len(one.splitlines()) > 0, f"{label}: one run found no rows")
                # Another format, from the same merge.
                csv_view = view if name != "counts" else view + ["-d", "permanent"]
                if name == "counts":
                    parts = [part(csv_view, files, f"{name}-{with_copy}-permanent-{i}.jsonl")
                             for i, files in enumerate(split)]
                one_csv = run(wmihunt, ["-q", "-f", "csv", *csv_view, *everything]).stdout
                merged_csv = run(wmihunt, ["merge", "-q", "-f", "csv", *parts])
                check(merged_csv.stdout == one_csv, f"{label}: the merged CSV differs from one run's")
                check(merged.returncode == one_run.returncode,
                      f"{label}: merge's exit status is not one run's")
                if name == "subscriptions":
                    rows = [json.loads(line) for line in one.splitlines()]
                    hosts = {r["host"] for r in rows}
                    check(len(hosts) >= 3, f"subscriptions: only hosts {hosts}")

        # Refusals.
        wmi = [os.path.join(samples, "wmi", f) for f in sorted(os.listdir(os.path.join(samples, "wmi")))]
        everything_counts = part([], wmi, "all.jsonl")
        temporary = part(["-d", "temporary"], wmi[:1], "temporary.jsonl")
        proc = run(wmihunt, ["merge", everything_counts, temporary], expect=(2,))
        err = proc.stderr.decode()
        check("other options" in err and "detections: temporary,permanent" in err
              and f"{temporary}:1" in err and proc.stdout == b"",
              f"other detections: {err!r}")
        events = part(["--events"], wmi, "events.jsonl")
        subs = part(["--subscriptions"], wmi, "subs.jsonl")
        err = run(wmihunt, ["merge", events, subs], expect=(2,)).stderr.decode()
        check("view: events vs subscriptions" in err, f"other views: {err!r}")
        since = part(["--events", "--since", "2020-01-01"], wmi, "since.jsonl")
        err = run(wmihunt, ["merge", events, since], expect=(2,)).stderr.decode()
        check("--since: none vs 2020-01-01T00:00:00.0000000Z" in err, f"other window: {err!r}")
        tuned = part(["--events", "--exclude", "host=nothing-like-this"], wmi, "tuned.jsonl")
        err = run(wmihunt, ["merge", events, tuned], expect=(2,)).stderr.decode()
        check("tuning rules: none vs --exclude host=nothing-like-this" in err, f"other rules: {err!r}")
        old = os.path.join(work, "old.jsonl")
        with open(events) as f, open(old, "w") as out:
            out.write(f.read().replace('"wmihunt":"0.1.0"', '"wmihunt":"0.0.1"'))
        err = run(wmihunt, ["merge", events, old], expect=(2,)).stderr.decode()
        check(f"{old}:1: written by wmihunt 0.0.1" in err, f"other version: {err!r}")
        # A line that is not a row is named, and the other rows are still merged.
        coverage = part(["--coverage"], wmi, "coverage.jsonl")
        proc = run(wmihunt, ["merge", "-f", "jsonl", events, coverage], expect=(2,))
        err = proc.stderr.decode()
        check(f"{coverage}:1: no \"run\"" in err, f"coverage rows: {err!r}")
        with open(events, "rb") as f:
            check(proc.stdout == f.read(), "the good file's rows were not all merged")
        err = run(wmihunt, ["merge", os.path.join(work, "missing.jsonl")], expect=(2,)).stderr.decode()
        check("missing.jsonl: cannot be read: no such file" in err, f"missing file: {err!r}")
        # Runs that found nothing wrote no row: nothing found, as JSON Lines; in another
        # format, nothing says which tables to print.
        empty = os.path.join(work, "empty.jsonl")
        open(empty, "w").close()
        proc = run(wmihunt, ["merge", "-f", "jsonl", empty, empty], expect=(0,))
        check(proc.stdout == b"", "rows from files without any")
        err = run(wmihunt, ["merge", empty], expect=(2,)).stderr.decode()
        check("no row" in err and "-f jsonl" in err, f"no rows as a table: {err!r}")
        # An empty file (a run that found nothing) merges with the others.
        proc = run(wmihunt, ["merge", "-f", "jsonl", empty, events])
        with open(events, "rb") as f:
            check(proc.stdout == f.read(), "an empty file changed the merge")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("FAIL:", failure)
    print(f"merge: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
