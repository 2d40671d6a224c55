#!/usr/bin/env python3
"""Screening and threads never change results: for each PATH, all four detections at once
(JSON lines) and one detection of each log source alone (CSV), with and without default
exclusions, print byte-identical output with screening on (-j2, -j1) and off; the end
summary counts the same records (a number that fits in 63 bits: no counter wrapped), and
screening never has libevtx decode more of them than --no-screen.

usage: screen_equivalence.py WMIHUNT [--all-detections-only] [--each] PATH...
A directory is compared as a whole; after --each, also every .evtx file in it on its own.
--all-detections-only compares only the selection of all four detections at once.
Exits 77 (skipped) when no PATH exists.
"""
import os
import re
import subprocess
import sys


def run(wmihunt, args):
    """Exit status, CSV, and the record count of the end summary (None without one); and,
    apart, the count of records libevtx decoded."""
    proc = subprocess.run([wmihunt, *args], capture_output=True)
    counts = re.search(rb"wmihunt: \d+ files? read, \d+ failed, (\d+) records, (\d+) decoded,",
                       proc.stderr)
    return (proc.returncode, proc.stdout, counts and int(counts.group(1))), \
        counts and int(counts.group(2))


def main():
    wmihunt, each, inputs = sys.argv[1], False, []
    selections = [["-f", "jsonl"], ["-f", "csv", "-d", "temporary"],
                  ["-f", "csv", "-d", "permanent-sysmon"]]
    for arg in sys.argv[2:]:
        if arg == "--all-detections-only":
            selections = selections[:1]
            continue
        if arg == "--each":
            each = True
            continue
        if not os.path.exists(arg):
            continue
        inputs.append(arg)
        if each and os.path.isdir(arg):
            for root, _, files in os.walk(arg):
                inputs += [os.path.join(root, f) for f in sorted(files) if f.lower().endswith(".evtx")]
    if not inputs:
        print(f"SKIP: none of {sys.argv[2:]} exists")
        return 77
    failures = 0
    checked = 0
    for path in inputs:
        # All four detections at once, and one of each log source alone (each selection
        # screens for other records).
        for selection in selections:
            for exclusions in ([], ["--no-default-exclusions"]):
                base = [*selection, *exclusions, path]
                reference, all_decoded = run(wmihunt, ["--no-screen", "-j1", *base])
                if all_decoded is None or reference[2] is None or all_decoded > reference[2]:
                    failures += 1
                    print(f"DECODED --no-screen {' '.join(base)}: {all_decoded} of "
                          f"{reference[2]} records decoded")
                for variant in (["-j1"], ["-j2"], ["--no-screen", "-j2"]):
                    got, decoded = run(wmihunt, [*variant, *base])
                    checked += 1
                    if decoded is None or decoded > all_decoded:
                        failures += 1
                        print(f"DECODED {' '.join(variant + base)}: {decoded} records decoded, "
                              f"more than the {all_decoded} of --no-screen")
                    if got != reference or reference[2] is None or reference[2] >= 1 << 63:
                        failures += 1
                        print(f"DIFF {' '.join(variant + base)}\n  reference exit {reference[0]}, "
                              f"{reference[2]} records; got exit {got[0]}, {got[2]} records\n"
                              f"  reference: {reference[1][:300]!r}\n"
                              f"  got:       {got[1][:300]!r}")
    print(f"{checked} comparisons over {len(inputs)} inputs, {failures} differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
