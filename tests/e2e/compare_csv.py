#!/usr/bin/env python3
"""Runs wmihunt and compares its CSV output with an expected CSV file, as parsed rows.

usage: compare_csv.py [--lossy] WMIHUNT EXPECTED.csv -- ARGS...

Exit 0 when the rows are equal (header included), 1 with a row-by-row diff otherwise,
77 (CTest's SKIP_RETURN_CODE) when EXPECTED.csv or an input path does not exist.

--lossy is for damaged inputs whose EXPECTED rows are what a careful reader recovers but
libevtx cannot read every record: then every row wmihunt prints must be an expected row
(same group fields) whose count it does not exceed and whose time range it stays within,
and stderr must carry a warning naming the input.
"""
import csv
import io
import os
import subprocess
import sys


def parse(text):
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


def lossy_ok(expected, got, stderr, inputs):
    if not got or got[0] != expected[0]:
        print(f"header: expected {expected[:1]}, got {got[:1]}")
        return False
    width = len(expected[0]) - 3  # group fields, then count, firstTime, lastTime
    truth = {tuple(row[:width]): row[width:] for row in expected[1:]}
    ok = True
    for row in got[1:]:
        want = truth.get(tuple(row[:width]))
        if want is None or int(row[width]) > int(want[0]) or row[width + 1] < want[1] or row[width + 2] > want[2]:
            print(f"row not within the careful reader's rows: {row!r}\n  truth: {want!r}")
            ok = False
    if not any(path in stderr and "warning" in stderr for path in inputs):
        print(f"no warning naming the input on stderr:\n{stderr}")
        ok = False
    print(f"lossy: {len(got) - 1} of {len(expected) - 1} rows read; stderr: {stderr.strip()}")
    return ok


def main():
    lossy = sys.argv[1] == "--lossy"
    if lossy:
        del sys.argv[1]
    wmihunt, expected_path = sys.argv[1], sys.argv[2]
    args = sys.argv[sys.argv.index("--") + 1:]
    if not os.path.exists(expected_path):
        print(f"SKIP: {expected_path} is absent (../shared/evtx-samples is not beside the checkout)")
        return 77
    proc = subprocess.run([wmihunt, "--format", "csv", *args], capture_output=True)
    if proc.returncode not in (0, 1):
        print(f"wmihunt exited {proc.returncode}\nstderr:\n{proc.stderr.decode(errors='replace')}")
        return 1
    with open(expected_path, encoding="utf-8", newline="") as f:
        expected = parse(f.read())
    got = parse(proc.stdout.decode("utf-8"))
    if lossy:
        return 0 if lossy_ok(expected, got, proc.stderr.decode("utf-8"), args) else 1
    want_status = 1 if len(expected) > 1 else 0
    ok = expected == got and proc.returncode == want_status
    if not ok:
        print(f"exit status: expected {want_status}, got {proc.returncode}")
        print(f"rows: expected {len(expected)}, got {len(got)}")
        for i in range(max(len(expected), len(got))):
            e = expected[i] if i < len(expected) else None
            g = got[i] if i < len(got) else None
            if e != g:
                print(f"row {i}:\n  expected: {e!r}\n  got:      {g!r}")
        return 1
    print(f"OK: {len(expected) - 1} rows match {os.path.basename(expected_path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
