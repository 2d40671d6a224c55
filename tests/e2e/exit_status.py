#!/usr/bin/env python3
"""Exit statuses of the real binary on real logs: 0 nothing found, 1 findings, 2 error.

usage: exit_status.py WMIHUNT SAMPLES_DIR    (exits 77, skipped, when SAMPLES_DIR is absent)
"""
import os
import subprocess
import sys
import tempfile

from checks import SKIPPED, expect, failures, samples_absent



def run(wmihunt, *args):
    proc = subprocess.run([wmihunt, *args], capture_output=True)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def main():
    wmihunt, samples = sys.argv[1], sys.argv[2]
    if samples_absent(samples):
        return SKIPPED
    server = os.path.join(samples, "wmi", "Server2022-APTSimulatorVM_WMI-Activity.evtx")
    clean = os.path.join(samples, "wmi", "Win10-RathbunVM_WMI-Activity.evtx")
    not_evtx = os.path.join(samples, "damaged", "not-an-evtx.evtx")

    code, out, err = run(wmihunt, server)
    expect("findings exit 1", code == 1, f"got {code}\n{err}")

    code, out, err = run(wmihunt, clean)
    expect("only default subscriptions exit 0", code == 0, f"got {code}\n{err}")

    code, out, err = run(wmihunt, "--no-default-exclusions", clean)
    expect("default subscriptions shown with --no-default-exclusions exit 1", code == 1, f"got {code}")

    alone_code, alone, _ = run(wmihunt, "-f", "csv", "-d", "permanent", server)
    code, out, err = run(wmihunt, "-f", "csv", "-d", "permanent", not_evtx, server)
    expect("a bad file among good ones exits 2", code == 2, f"got {code}")
    expect("the bad file is named on stderr with the reason",
           f"{not_evtx}: not an EVTX file" in err, err)
    expect("the good file's findings are still printed, unchanged", out == alone and alone_code == 1,
           f"alone:\n{alone}\nmixed:\n{out}")

    with tempfile.TemporaryDirectory() as tmp:
        missing = os.path.join(tmp, "gone.evtx")
        code, out, err = run(wmihunt, server, missing)
        expect("a missing path exits 2 and is named", code == 2 and f"{missing}: no such file" in err,
               f"got {code}\n{err}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
