#!/usr/bin/python3
"""Checks the Sysmon truth files against a second implementation on python-evtx's reading.

Computes the rows of Splunk's two Sysmon WMI analytics (../shared/reference/detections.md)
from what python-evtx (Debian python3-evtx, a parser unrelated to evtxgen and libevtx) reads
in an input, and compares them, as parsed CSV rows, with the files NAME.sysmon-persistence.csv
and NAME.permanent-sysmon.csv:

  sysmon-persistence  Sysmon event 20, stats count min(_time) max(_time) by Computer User
                      Destination (an empty or missing one drops the event), rename Computer
                      as dest; rows sorted by the group fields as UTF-8 bytes; times
                      %Y-%m-%dT%H:%M:%S, truncated, UTC.
  permanent-sysmon    Sysmon event 21, one row per event: _time (%Y-%m-%dT%H:%M:%S.%3N+00:00,
                      truncated), dest = Computer, user = User, Operation, EventType, Query
                      (always empty), Consumer, Filter; newest first, equal times by the other
                      columns as UTF-8 bytes.

Fields are the EventData/Data[@Name] values as logged, read by name, so every Sysmon schema
layout gives the same rows. _time is System/TimeCreated, taken as the raw FILETIME.

Usage:
  check_sysmon_truth.py --fixtures DIR
      every DIR/NAME.sysmon-persistence.csv against DIR/NAME.evtx or the folder DIR/NAME/
  check_sysmon_truth.py [--skip-absent] --case INPUT PREFIX [--case INPUT PREFIX ...]
      INPUT (a file, or a folder: every .evtx below) against PREFIX.sysmon-persistence.csv and
      PREFIX.permanent-sysmon.csv; --skip-absent: exit 77 when an INPUT does not exist
  check_sysmon_truth.py --self-test --fixtures DIR
      the comparison must notice a missing row, a changed count and a swapped tie order

Exit status: 0 all agree, 1 a disagreement (printed as expected vs got), 2 usage error,
77 python-evtx is not installed or an input is absent (a CTest skip).
"""

import argparse
import csv
import io
import os
import sys
import xml.etree.ElementTree as ET

try:
    from Evtx.Evtx import Evtx
    from Evtx.BinaryParser import OverrunBufferException
    from Evtx.Nodes import FiletimeTypeNode, UnsignedWordTypeNode
except ImportError:
    print("check_sysmon_truth: python-evtx (Debian python3-evtx) is not installed; skipping")
    sys.exit(77)

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"
SYSMON = "Microsoft-Windows-Sysmon"
TICKS_PER_SECOND = 10_000_000
UNIX_EPOCH_TICKS = 116444736000000000  # 1970-01-01 as FILETIME

PERSISTENCE_HEADER = ["dest", "User", "Destination", "count", "firstTime", "lastTime"]
PERMANENT_HEADER = ["_time", "dest", "user", "Operation", "EventType", "Query", "Consumer",
                    "Filter"]


def seconds_text(ticks):
    """FILETIME -> %Y-%m-%dT%H:%M:%S (UTC, truncated), with integers only."""
    import datetime
    secs = (ticks - UNIX_EPOCH_TICKS) // TICKS_PER_SECOND
    return (datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=secs)).strftime(
        "%Y-%m-%dT%H:%M:%S")


def export_time_text(ticks):
    """FILETIME -> Splunk's export of _time, %Y-%m-%dT%H:%M:%S.%3N+00:00 (truncated)."""
    millis = (ticks % TICKS_PER_SECOND) // 10_000
    return f"{seconds_text(ticks)}.{millis:03d}+00:00"


def surely_not_wanted(substitutions):
    """True when the record's System values show another provider or an event id other than
    20 and 21. Windows' shared System template puts EventID at value 3 and Provider/@Name at
    value 14 (real Sysmon logs included); rendering only the other records' XML makes
    python-evtx fast enough for corpora."""
    if len(substitutions) != 18 or not isinstance(substitutions[3], UnsignedWordTypeNode):
        return False
    return substitutions[14].string() != SYSMON or substitutions[3].string() not in ("20", "21")


def record_event(path, record):
    """(event_id, computer, filetime, {Data Name: value}) of a Sysmon record, else None."""
    if surely_not_wanted(record.root().substitutions()):
        return None
    root = ET.fromstring(record.xml().replace("\r", "&#13;"))
    system = root.find(NS + "System")
    if system.find(NS + "Provider").get("Name") != SYSMON:
        return None
    times = [s for s in record.root().substitutions() if isinstance(s, FiletimeTypeNode)]
    if not times:
        raise ValueError(f"{path}: record {record.record_num()} has no TimeCreated")
    filetime = times[0].unpack_qword(0)
    fields = {}
    event_data = root.find(NS + "EventData")
    if event_data is not None:
        for d in event_data.findall(NS + "Data"):
            fields[d.get("Name")] = d.text or ""
    return (int(system.find(NS + "EventID").text), system.find(NS + "Computer").text or "",
            filetime, fields)


def sysmon_events(path):
    """Yields (event_id, computer, filetime, {Data Name: value}) for Sysmon records (at least
    those with event id 20 or 21). A chunk python-evtx cannot read through is left out whole
    and named on stderr: wmihunt and the truth files leave out such a chunk too, and the
    comparison then shows whether the other chunks agree."""
    with Evtx(path) as log:
        for number, chunk in enumerate(log.chunks()):
            try:
                events = [e for e in (record_event(path, r) for r in chunk.records()) if e]
            except OverrunBufferException as e:
                print(f"note {path}: python-evtx cannot read chunk {number} ({e}); "
                      "it is left out", file=sys.stderr)
                continue
            yield from events


def evtx_files(path):
    if os.path.isdir(path):
        return [os.path.join(d, n) for d, _, names in sorted(os.walk(path))
                for n in sorted(names) if n.lower().endswith(".evtx")]
    return [path]


def utf8(row):
    return [c.encode("utf-8") for c in row]


def compute(path):
    """The two tables (lists of rows, header first) for every .evtx of `path`."""
    groups = {}
    bindings = []
    for f in evtx_files(path):
        for event_id, computer, t, fields in sysmon_events(f):
            if event_id == 20:
                key = (computer, fields.get("User", ""), fields.get("Destination", ""))
                if not all(key):
                    continue
                count, first, last = groups.get(key, (0, t, t))
                groups[key] = (count + 1, min(first, t), max(last, t))
            elif event_id == 21:
                bindings.append((t, [computer, fields.get("User", ""), fields.get("Operation", ""),
                                     fields.get("EventType", ""), "", fields.get("Consumer", ""),
                                     fields.get("Filter", "")]))
    persistence = [PERSISTENCE_HEADER]
    for key in sorted(groups, key=utf8):
        count, first, last = groups[key]
        persistence.append(list(key) + [str(count), seconds_text(first), seconds_text(last)])
    bindings.sort(key=lambda b: (-b[0], utf8(b[1])))
    permanent = [PERMANENT_HEADER] + [[export_time_text(t)] + row for t, row in bindings]
    return persistence, permanent


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def differences(name, expected, got):
    """Row-by-row differences of two tables, as lines."""
    out = []
    if expected == got:
        return out
    out.append(f"{name}: {len(expected) - 1} rows expected, {len(got) - 1} got")
    for i in range(max(len(expected), len(got))):
        e = expected[i] if i < len(expected) else None
        g = got[i] if i < len(got) else None
        if e != g:
            out.append(f"  row {i}: expected {e!r}")
            out.append(f"  row {i}:      got {g!r}")
    return out


def check_case(input_path, prefix, tables=None):
    """Lines describing disagreements between python-evtx's rows and PREFIX's truth files."""
    persistence, permanent = tables or compute(input_path)
    problems = []
    for suffix, mine in ((".sysmon-persistence.csv", persistence),
                         (".permanent-sysmon.csv", permanent)):
        truth = prefix + suffix
        if not os.path.exists(truth):
            problems.append(f"{truth}: missing")
            continue
        problems += differences(truth, read_csv(truth), mine)
    return problems


def fixture_cases(directory):
    cases = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".sysmon-persistence.csv"):
            continue
        stem = name[: -len(".sysmon-persistence.csv")]
        single = os.path.join(directory, stem + ".evtx")
        cases.append((single if os.path.exists(single) else os.path.join(directory, stem),
                      os.path.join(directory, stem)))
    return cases


def self_test(directory):
    """A missing row, a changed count and a swapped tie must each be reported."""
    input_path = os.path.join(directory, "sysmon_wmi.evtx")
    persistence, permanent = compute(input_path)
    if len(persistence) < 3 or len(permanent) < 3:
        print("FAIL self-test: sysmon_wmi has too few rows to mutate")
        return 1
    ties = [i for i in range(1, len(permanent) - 1) if permanent[i][0] == permanent[i + 1][0]]
    if not ties:
        print("FAIL self-test: sysmon_wmi has no two bindings with the same _time")
        return 1
    changed = [r[:] for r in persistence]
    changed[1][3] = str(int(changed[1][3]) + 1)
    swapped = [r[:] for r in permanent]
    swapped[ties[0]], swapped[ties[0] + 1] = swapped[ties[0] + 1], swapped[ties[0]]
    cases = {"a missing row": (persistence[:-1], permanent),
             "a changed count": (changed, permanent),
             "a swapped tie order": (persistence, swapped)}
    prefix = os.path.join(directory, "sysmon_wmi")
    if check_case(input_path, prefix, (persistence, permanent)):
        print("FAIL self-test: the true tables disagree with the truth files")
        return 1
    failed = 0
    for what, tables in cases.items():
        if check_case(input_path, prefix, tables):
            print(f"ok   self-test: the comparison notices {what}")
        else:
            print(f"FAIL self-test: the comparison missed {what}")
            failed += 1
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fixtures", metavar="DIR")
    ap.add_argument("--case", nargs=2, action="append", default=[], metavar=("INPUT", "PREFIX"))
    ap.add_argument("--skip-absent", action="store_true")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        if not args.fixtures:
            ap.error("--self-test needs --fixtures")
        return self_test(args.fixtures)
    cases = [tuple(c) for c in args.case]
    if args.fixtures:
        cases += fixture_cases(args.fixtures)
    if not cases:
        ap.error("nothing to check")
    missing = [i for i, _ in cases if not os.path.exists(i)]
    if missing:
        if args.skip_absent:
            print(f"check_sysmon_truth: {missing[0]} is absent; skipping")
            return 77
        print(f"FAIL {missing[0]}: no such input")
        return 1
    failures = 0
    for input_path, prefix in cases:
        try:
            problems = check_case(input_path, prefix)
        except (ET.ParseError, ValueError, OSError) as e:
            problems = [f"{input_path}: {e}"]
        if problems:
            failures += 1
            print("FAIL " + "\n".join(problems))
        else:
            rows = sum(len(read_csv(prefix + s)) - 1
                       for s in (".sysmon-persistence.csv", ".permanent-sysmon.csv"))
            print(f"ok   {input_path}: python-evtx gives the {rows} rows of {prefix}.*")
    print(f"{len(cases) - failures}/{len(cases)} inputs agree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
