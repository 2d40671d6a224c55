#!/usr/bin/env python3
"""SIGTERM ends a scan within a second, and a log rewritten while the scan runs is reported.

Both on a generated corpus (evtxgen's triage profile), read whole by libevtx (--no-screen)
on one thread, so that the scan is still running when the test acts.

usage: interrupt_and_change.py WMIHUNT CORPUS_DIR LOG
(LOG: a small log to copy and rewrite during the scan; exits 77 when CORPUS_DIR is absent)
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from checks import SKIPPED, expect, failures


def main():
    wmihunt, corpus, log = sys.argv[1], sys.argv[2], sys.argv[3]
    if not os.path.isdir(corpus):
        print(f"SKIP: {corpus} is absent")
        return SKIPPED
    slow = [wmihunt, "--no-screen", "-j1", "--keep-duplicates"]

    # SIGTERM, like SIGINT, ends the scan at the next record: exit 130, partial results.
    proc = subprocess.Popen([*slow, corpus], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0)
    running = proc.poll() is None
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    seconds = time.monotonic() - start
    err = err.decode("utf-8", "replace")
    print(f"     SIGTERM to exit: {seconds:.3f} s")
    expect("the scan was still running at the signal (else the corpus is too small to tell)", running)
    expect("SIGTERM: exit 130 within a second, saying the results are partial",
           proc.returncode == 130 and seconds < 1.0 and "interrupted: the results are partial" in err,
           f"status {proc.returncode} after {seconds:.3f} s\n{err[-1500:]}")

    with tempfile.TemporaryDirectory() as tmp:
        # The copy is planned (size and modification time noted) with every input before
        # reading starts, and read last; it is rewritten while the corpus is being read.
        copy = os.path.join(tmp, "zz-rewritten.evtx")
        shutil.copyfile(log, copy)
        for extra in ([], ["--strict"]):
            os.utime(copy, (1_000_000_000, 1_000_000_000))
            proc = subprocess.Popen([*slow, "-q", *extra, corpus, copy], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            time.sleep(1.0)
            running = proc.poll() is None
            with open(copy, "r+b") as f:  # the same bytes, written again: a new mtime
                data = f.read()
                f.seek(0)
                f.write(data)
            out, err = proc.communicate(timeout=600)
            err = err.decode("utf-8", "replace")
            name = " ".join(extra) or "default"
            expect(f"rewritten during the scan ({name}): the scan was still running", running)
            level = "error" if extra else "warning"
            expect(f"rewritten during the scan ({name}): {'an error' if extra else 'a warning'} "
                   "naming the file, exit "
                   f"{2 if extra else 'below 2'}",
                   re.search(rf"wmihunt: {level}: {re.escape(copy)}: damaged: the file changed while "
                             r"it was read", err) is not None and
                   (proc.returncode == 2 if extra else proc.returncode in (0, 1)),
                   f"status {proc.returncode}\n{err[-1500:]}")
            expect(f"rewritten during the scan ({name}): no other file is reported changed",
                   err.count("changed while it was read") == 1, err[-1500:])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
