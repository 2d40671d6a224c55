#!/usr/bin/env python3
"""Every truth file evtxgen wrote for a corpus (truth.DETECTION[.all].csv) against wmihunt's
rows over that corpus; and every detection wmihunt lists has a truth file there.

usage: corpus_truths.py WMIHUNT CORPUS_DIR
"""
import glob
import os
import re
import subprocess
import sys

from checks import expect, failures


def main():
    wmihunt, corpus = sys.argv[1], sys.argv[2]
    compare = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare_csv.py")
    listing = subprocess.run([wmihunt, "--list-detections"], capture_output=True, text=True).stdout
    detections = re.findall(r"^([a-z-]+): ", listing, re.M)
    truths = sorted(glob.glob(os.path.join(corpus, "truth.*.csv")))
    named = set()
    for truth in truths:
        m = re.fullmatch(r"truth\.(.+?)(\.all)?\.csv", os.path.basename(truth))
        detection, every = m.group(1), m.group(2)
        named.add(detection)
        extra = ["--no-default-exclusions"] if every else []
        proc = subprocess.run([sys.executable, compare, wmihunt, truth, "--", "-d", detection, *extra, corpus],
                              capture_output=True, text=True)
        expect(f"{os.path.basename(corpus)}: {os.path.basename(truth)}", proc.returncode == 0,
               proc.stdout + proc.stderr)
    expect(f"{os.path.basename(corpus)}: a truth file for every detection",
           len(detections) >= 4 and set(detections) <= named, f"{detections} vs {sorted(named)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
