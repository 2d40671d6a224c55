#!/usr/bin/env python3
"""Hostile and odd inputs on the real binary, with the fixtures of test_data/ only.

A file whose records would make libevtx allocate gigabytes is reported as damaged, the other
inputs' results are printed, and memory stays bounded; a FIFO, a device or a socket is an
error at once; an empty directory, or a run that reads no log, exits 2 naming it; a log cut
at a chunk boundary is reported; an allowlist that is a device is refused.

usage: hostile_inputs.py WMIHUNT TEST_DATA_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from checks import expect, failures

GIB = 1 << 30


def run(*args, timeout=60):
    """Runs the command; returns (status or None after `timeout`, stdout, stderr, seconds)."""
    start = time.monotonic()
    proc = subprocess.Popen(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return None, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), timeout
    return (proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
            time.monotonic() - start)


def rss_of(*args):
    """Peak resident set size, in bytes, of one run of the command (ru_maxrss is in KiB)."""
    proc = subprocess.Popen(list(args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss * 1024


def main():
    wmihunt, test_data = sys.argv[1], sys.argv[2]
    hazard = os.path.join(test_data, "damaged_template_value_count.evtx")
    good = os.path.join(test_data, "single_host.evtx")
    multi = os.path.join(test_data, "multi_host.evtx")

    # 1. The record whose template instance declares 0x40000001 values (test_data/README.md):
    # Debian's libevtx allocates 8 GiB for it and reads past the chunk. Its chunk is never
    # given to libevtx; the others are read; other files are unaffected.
    alone = run(wmihunt, "-q", "-f", "csv", "-d", "permanent", "--no-default-exclusions", good)
    for extra in ([], ["--no-screen"], ["--recover"], ["--no-screen", "--recover"]):
        name = " ".join(extra) or "screened"
        code, out, err, _ = run(wmihunt, "-q", "-f", "csv", "-d", "permanent",
                                   "--no-default-exclusions", *extra, hazard, good)
        expect(f"hazard ({name}): ends normally, exit 1 (findings), one warning naming the file",
               code == 1 and sum(hazard in line for line in err.splitlines()) == 1 and
               f"wmihunt: warning: {hazard}: damaged: 1 chunk not given to libevtx, which cannot "
               "read it within bounds (a template instance at chunk offset" in err and
               "declares 1073741825 values)" in err, f"status {code}\n{err}")
        # The fixture's other chunks hold WS-DAMAGE's events; the good file's rows are all there.
        good_rows = [line for line in alone[1].splitlines()[1:]]
        expect(f"hazard ({name}): the other file's rows are printed, and the hazard file's other "
               "chunks are read", all(row in out.splitlines() for row in good_rows) and
               "WS-DAMAGE" in out, out)
        code, rss = rss_of(wmihunt, *extra, hazard)
        print(f"     peak RSS ({name}): {rss / (1 << 20):.1f} MiB")
        expect(f"hazard ({name}): peak RSS under 1 GiB", code == 1 and rss < GIB,
               f"status {code}, {rss} bytes")
        code, out, err, _ = run(wmihunt, "-q", "--strict", *extra, hazard)
        expect(f"hazard ({name}) --strict: an error, exit 2", code == 2 and
               f"wmihunt: error: {hazard}: damaged: " in err, f"status {code}\n{err}")

    with tempfile.TemporaryDirectory() as tmp:
        # 2. A FIFO named as input, directly or through a link: an error at once, no open
        # that waits for a writer. A character device likewise.
        fifo = os.path.join(tmp, "pipe.evtx")
        os.mkfifo(fifo)
        link = os.path.join(tmp, "link-to-pipe")
        os.symlink(fifo, link)
        for path, kind in ((fifo, "a FIFO"), (link, "a FIFO"), ("/dev/zero", "a character device")):
            code, out, err, seconds = run(wmihunt, path, good, timeout=20)
            expect(f"{path}: exit 2 within seconds, named as not a regular file ({kind}); the good "
                   "file is still read", code == 2 and seconds < 10 and
                   f"wmihunt: error: {path}: not a regular file ({kind})" in err and
                   "WMI Temporary Event Subscription" in out, f"status {code} after {seconds:.1f} s\n{err}")

        # 3. In a scanned folder: a FIFO and a broken link named .evtx are errors, a link to a
        # directory is a note; the regular log is read.
        tree = os.path.join(tmp, "tree")
        os.makedirs(os.path.join(tree, "sub"))
        shutil.copyfile(good, os.path.join(tree, "good.evtx"))
        os.mkfifo(os.path.join(tree, "sub", "pipe.evtx"))
        os.symlink(os.path.join(tree, "nowhere.evtx"), os.path.join(tree, "broken.evtx"))
        os.symlink(tmp, os.path.join(tree, "up"))
        code, out, err, seconds = run(wmihunt, "-q", tree, timeout=20)
        expect("folder with a FIFO, a broken link and a directory link: each named, exit 2, "
               "the log read", code == 2 and seconds < 10 and
               f"wmihunt: error: {os.path.join(tree, 'sub', 'pipe.evtx')}: not a regular file (a FIFO), not read" in err and
               f"wmihunt: error: {os.path.join(tree, 'broken.evtx')}: broken or looping symbolic link, not read" in err and
               f"wmihunt: note: {os.path.join(tree, 'up')}: symbolic link to a directory, not followed" in err and
               "WMI Temporary Event Subscription" in out, f"status {code}\n{err}")

        # 4. An empty directory: no log read is not "nothing found".
        empty = os.path.join(tmp, "EMPTYDIR")
        os.makedirs(empty)
        code, out, err, _ = run(wmihunt, empty)
        expect("an empty directory exits 2, named in a warning, and the run says no log was read",
               code == 2 and f"wmihunt: warning: {empty}: no .evtx file in this directory" in err and
               "wmihunt: error: no log was read" in err, f"status {code}\n{err}")
        code, out, err, _ = run(wmihunt, empty, good)
        expect("... beside a log: the warning, and the log's status (findings: 1)",
               code == 1 and f"{empty}: no .evtx file in this directory" in err, f"status {code}\n{err}")

        # 5. A log cut at a chunk boundary: multi_host.evtx holds 3 chunks (test_data/README.md)
        # and its header says so. Cut to the header alone, and to its first chunk.
        data = open(multi, "rb").read()
        expect("multi_host.evtx is a header and 3 whole chunks", len(data) == 4096 + 3 * 65536)
        for chunks in (0, 1):
            cut = os.path.join(tmp, f"cut{chunks}.evtx")
            with open(cut, "wb") as f:
                f.write(data[:4096 + chunks * 65536])
            for extra in ([], ["--no-screen"]):
                code, out, err, _ = run(wmihunt, "-q", *extra, cut)
                expect(f"cut after {chunks} of 3 chunks {' '.join(extra)}: a warning naming the file",
                       f"wmihunt: warning: {cut}: damaged: the file header announces 3 chunks but "
                       f"the file holds {chunks} (cut short)" in err and code in (0, 1),
                       f"status {code}\n{err}")
                code, out, err, _ = run(wmihunt, "-q", "--strict", *extra, cut)
                expect(f"cut after {chunks} of 3 chunks {' '.join(extra)} --strict: exit 2",
                       code == 2 and f"wmihunt: error: {cut}: damaged: the file header announces" in err,
                       f"status {code}\n{err}")
        code, out, err, _ = run(wmihunt, "-q", "--strict", multi)
        expect("the whole file is not cut", code == 1 and "damaged" not in err and
               "error" not in err, f"status {code}\n{err}")

        # 6. An allowlist that is a device, or too large, is refused before the scan.
        code, out, err, seconds = run(wmihunt, "--allowlist", "/dev/zero", good, timeout=20)
        expect("--allowlist /dev/zero: exit 2 at once, not a regular file", code == 2 and seconds < 10 and
               "wmihunt: error: /dev/zero: not a regular file" in err, f"status {code}\n{err}")
        big = os.path.join(tmp, "big.allowlist")
        with open(big, "wb") as f:
            f.truncate((16 << 20) + 1)
        code, out, err, _ = run(wmihunt, "--allowlist", big, good)
        expect("--allowlist over 16 MiB: exit 2", code == 2 and
               f"wmihunt: error: {big}: larger than 16 MiB, not an allowlist" in err, f"status {code}\n{err}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
