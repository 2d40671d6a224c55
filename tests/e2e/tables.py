#!/usr/bin/env python3
"""Tables a person can read: at 80, 120 and 200 columns, and with --width 0, every cell of
the table against the same run's CSV. Times, hosts, ids and counts are whole; free text is
either whole or its head and tail around one "…"; the column that tells rows apart keeps
what differs between them; backslashes are shown as logged; non-UTC times carry their
offset in table, CSV and JSON.

usage: tables.py WMIHUNT SAMPLES   (exits 77, skipped, when SAMPLES is absent)
"""
import csv
import io
import json
import os
import re
import subprocess
import sys

from checks import SKIPPED, expect, failures, samples_absent

NEVER_CUT = {"time", "_time", "firstTime", "lastTime", "count", "host", "dest", "Computer",
             "ComputerName", "event_id", "EventCode", "record_id", "client_pid", "detection",
             "field"}
# What wmihunt keeps, in the column that tells rows apart, of what follows the start a
# cell shares with its most similar neighbour: all of it up to 28 characters (a
# 32-character cell: 3 of head, "…", 28 of tail), else the default tail of a cut to 32
# characters or more: two thirds of 31, 21 characters.
TELLING = 28


def run(*args):
    proc = subprocess.run(list(args), capture_output=True, timeout=300)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def escaped(value):
    """How a table shows a value of these samples: their only control characters are line
    breaks and TAB (checked below); backslashes stay single."""
    return value.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def csv_rows(text):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def tables(text):
    """Every table in `text`: (header, rows), each cell as printed, padding removed."""
    lines = text.split("\n")
    found = []
    for i in range(len(lines) - 2):
        rule = lines[i + 2]
        if not rule.startswith("-") or set(rule) - {"-", " "}:
            continue
        spans = [m.start() for m in re.finditer(r"-+", rule)]

        def cells(line):
            ends = spans[1:] + [len(line)]
            return [line[a:b].strip() for a, b in zip(spans, ends)]
        rows = []
        for line in lines[i + 3:]:
            if not line:
                break
            rows.append(cells(line))
        found.append((cells(lines[i + 1]), rows, lines[i + 1:i + 3 + len(rows)]))
    return found


def check_table(label, table, header, rows, width):
    got_header, got_rows, lines = table
    ok = got_header == header and len(got_rows) == len(rows)
    expect(f"{label}: the table has the CSV's columns and rows", ok, f"{got_header}\n{header}")
    if not ok:
        return
    problems = []
    telling = None
    for c, name in enumerate(header):
        if name not in NEVER_CUT and len({r[c] for r in rows}) > 1:
            telling = c
            break
    for r, (cells, values) in enumerate(zip(got_rows, rows)):
        for c, (cell, value) in enumerate(zip(cells, values)):
            whole = escaped(value.strip(" \t\r\n"))
            if header[c] in NEVER_CUT or width == 0:
                if cell != whole:
                    problems.append(f"row {r} {header[c]}: {cell!r} is not {whole!r}")
                continue
            if cell == whole:
                continue
            head, marker, tail = cell.partition("…")
            if not marker or not whole.startswith(head) or not whole.endswith(tail) \
                    or "…" in tail or len(head) < 3 or len(tail) < len(head):
                problems.append(f"row {r} {header[c]}: {cell!r} is not a cut of {whole!r}")
            if "\\\\" in cell and "\\\\" not in whole:
                problems.append(f"row {r} {header[c]}: doubled backslash in {cell!r}")
        if telling is not None:
            # What follows the start this cell shares with its most similar neighbour (in
            # sorted order): whole when it is at most 28 characters, else its last 21.
            column = sorted(escaped(v[telling]).strip() for v in rows)
            value = escaped(values[telling]).strip()
            k = column.index(value)
            shared = max(len(os.path.commonprefix([value, other]))
                         for other in column[max(k - 1, 0):k] + column[k + 1:k + 2] or [""])
            differing = value[shared:]
            needed = differing if len(differing) <= TELLING else differing[-21:]
            if needed not in cells[telling]:
                problems.append(f"row {r} {header[telling]}: {cells[telling]!r} hides {needed!r}")
    if telling is not None:
        shown = [cells[telling] for cells in got_rows]
        if len(set(shown)) != len({v[telling] for v in rows}):
            problems.append(f"{header[telling]}: rows that differ look alike: {shown}")
    expect(f"{label}: times, hosts, ids, counts whole; free text whole or cut around one "
           f"'…'; what tells rows apart shown; backslashes single", not problems,
           "\n".join(problems[:20]))
    return lines


def main():
    wmihunt, samples = sys.argv[1], sys.argv[2]
    if samples_absent(samples):
        return SKIPPED
    server = os.path.join(samples, "wmi", "Server2022-APTSimulatorVM_WMI-Activity.evtx")
    triage = os.path.join(samples, "triage", "Win10-APTSimulatorVM")
    cases = [("Server2022 WMI-Activity", server, ["--no-default-exclusions"]),
             ("triage folder", triage, [])]
    for name, path, extra in cases:
        for detection in ("temporary", "permanent"):
            code, out, err = run(wmihunt, "-f", "csv", "-d", detection, *extra, path)
            header, rows = csv_rows(out)
            controls = [v for row in rows for v in row
                        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", v)]
            expect(f"{name} {detection}: no control characters but line breaks and TAB "
                   "(escaped() is exact)", not controls, controls)
            for width in (80, 120, 200, 0):
                code, out, err = run(wmihunt, "-d", detection, "--width", str(width), *extra, path)
                found = tables(out)
                expect(f"{name} {detection} --width {width}: one table", len(found) == 1, out)
                if len(found) != 1:
                    continue
                lines = check_table(f"{name} {detection} --width {width}", found[0], header,
                                    rows, width)
                if width in (120, 200) and lines:
                    # The never-cut columns and the 16/32-character floors of these
                    # tables leave room to fit 120 columns.
                    expect(f"{name} {detection} --width {width}: every line fits",
                           all(len(line) <= width for line in lines),
                           "\n".join(l for l in lines if len(l) > width))
                if width == 0:
                    expect(f"{name} {detection} --width 0: nothing cut", "…" not in out, out)
        code, out, err = run(wmihunt, "-f", "csv", "--events", *extra, path)
        header, rows = csv_rows(out)
        backslashes = [v for row in rows for v in row if "\\" in v]
        expect(f"{name} --events: values with backslashes to show (NT AUTHORITY\\SYSTEM)",
               backslashes, rows[:3])
        for width in (80, 120, 200, 0):
            code, out, err = run(wmihunt, "--events", "--width", str(width), *extra, path)
            found = tables(out)
            expect(f"{name} --events --width {width}: one table", len(found) == 1, out)
            if len(found) == 1:
                check_table(f"{name} --events --width {width}", found[0], header, rows, width)

    # Outside UTC every format carries the offset (18 October 2023 in Berlin: CEST, +02:00).
    zone = ["--timezone", "Europe/Berlin", "--no-default-exclusions", "-d", "permanent"]
    code, out, err = run(wmihunt, "-f", "csv", *zone, server)
    header, rows = csv_rows(out)
    times = [row[i] for row in rows for i in (-2, -1)]
    expect("--timezone Europe/Berlin: CSV times end in +02:00",
           times and all(re.fullmatch(r"2023-10-18T\d\d:\d\d:\d\d\+02:00", t) for t in times), times)
    code, out, err = run(wmihunt, "--width", "120", *zone, server)
    found = tables(out)
    expect("--timezone: one table", len(found) == 1, out)
    if len(found) == 1:
        check_table("--timezone Europe/Berlin --width 120", found[0], header, rows, 120)
    code, out, err = run(wmihunt, "-f", "json", *zone, server)
    doc = json.loads(out)
    json_times = [row[k] for d in doc["detections"] for row in d["rows"] for k in ("firstTime", "lastTime")]
    expect("--timezone: JSON times are the CSV's, with the offset", sorted(json_times) == sorted(times),
           json_times)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
