#!/usr/bin/env python3
"""Screening and threads never change results: for each PATH, both detections with and
without default exclusions print byte-identical CSV with screening on (-j2, -j1) and off.

usage: screen_equivalence.py WMIHUNT [--each] PATH...
A directory is compared as a whole; after --each, also every .evtx file in it on its own.
Exits 77 (skipped) when no PATH exists.
"""
import os
import subprocess
import sys


def run(wmihunt, args):
    proc = subprocess.run([wmihunt, "--format", "csv", *args], capture_output=True)
    return proc.returncode, proc.stdout


def main():
    wmihunt, each, inputs = sys.argv[1], False, []
    for arg in sys.argv[2:]:
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
        for detection in ("temporary", "permanent"):
            for exclusions in ([], ["--no-default-exclusions"]):
                base = ["-d", detection, *exclusions, path]
                reference = run(wmihunt, ["--no-screen", "-j1", *base])
                for variant in (["-j1"], ["-j2"], ["--no-screen", "-j2"]):
                    got = run(wmihunt, [*variant, *base])
                    checked += 1
                    if got != reference:
                        failures += 1
                        print(f"DIFF {' '.join(variant + base)}\n  reference exit {reference[0]}, "
                              f"got exit {got[0]}\n  reference: {reference[1][:300]!r}\n"
                              f"  got:       {got[1][:300]!r}")
    print(f"{checked} comparisons over {len(inputs)} inputs, {failures} differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
