#!/usr/bin/env python3
"""Output safety of the real binary: outputs refused where they would write over evidence,
devices, FIFOs and links kept, atomic output files, errors named before the scan, a closed
pipe, SIGINT, symlink loops, escaped file names, and evidence left untouched.

usage: output_safety.py WMIHUNT SAMPLES_DIR   (exits 77, skipped, when SAMPLES_DIR is absent)
"""
import hashlib
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time

from checks import SKIPPED, expect, failures, samples_absent



def run(*args, **kwargs):
    proc = subprocess.run(list(args), capture_output=True, timeout=300, **kwargs)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def tree_state(root):
    """Every path under root with its size, mtime and content hash."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            digest = ""
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            state[path] = (st.st_size, st.st_mtime_ns, digest)
    return state


def file_size_limit(limit):
    """A preexec_fn under which writes beyond `limit` bytes fail with EFBIG (SIGXFSZ
    ignored): a disk filling up midway."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def main():
    wmihunt, samples = sys.argv[1], sys.argv[2]
    if samples_absent(samples):
        return SKIPPED
    server = os.path.join(samples, "wmi", "Server2022-APTSimulatorVM_WMI-Activity.evtx")
    triage = os.path.join(samples, "triage", "Win10-APTSimulatorVM")

    with tempfile.TemporaryDirectory() as tmp:
        csv_args = ["-f", "csv", "-d", "permanent", "--no-default-exclusions"]
        expected_csv = run(wmihunt, *csv_args, server)[1]

        # An output that would write over evidence is refused before anything is read:
        # exit 2, one line on stderr (no summary: nothing was scanned), and every byte and
        # mtime of the evidence as it was. The log is read-only, as evidence often is.
        ev = os.path.join(tmp, "ev")
        os.makedirs(os.path.join(ev, "host"))
        evidence = os.path.join(ev, "evidence.evtx")
        shutil.copyfile(server, evidence)
        shutil.copyfile(server, os.path.join(ev, "host", "OTHER.evtx"))
        os.chmod(evidence, 0o444)
        alias = os.path.join(tmp, "alias.evtx")
        os.symlink(evidence, alias)
        hard = os.path.join(tmp, "hard.evtx")
        os.link(evidence, hard)
        before = tree_state(ev)
        for args in (["-o", evidence, evidence],
                     ["-o", alias, evidence],
                     ["-o", hard, evidence],
                     ["-f", "json", "-o", os.path.join(ev, "host", "OTHER.evtx"), ev],
                     ["-o", os.path.join(ev, "report.txt"), ev],
                     ["-o", os.path.join(ev, "..", "ev", "host", "new.csv"), os.path.join(ev, "host")],
                     ["-f", "csv", "--output-dir", ev, evidence],
                     ["-f", "csv", "--output-dir", ev, ev],
                     ["-f", "csv", "--output-dir", os.path.join(ev, "host", "out"), ev],
                     ["--report", evidence, evidence],
                     ["--report", alias, evidence],
                     ["--report", os.path.join(ev, "report.html"), ev]):
            code, out, err = run(wmihunt, *args)
            expect(f"{' '.join(args[:-1])} (input {args[-1]}): refused, exit 2, nothing read or changed",
                   code == 2 and out == "" and err.startswith("wmihunt: error: ") and "refused" in err
                   and err.count("\n") == 1 and tree_state(ev) == before
                   and sorted(os.listdir(tmp)) == ["alias.evtx", "ev", "hard.evtx"], f"{code}\n{err}")

        # --report beside -o: both files, the report renamed into place last; the same
        # file for both is a usage mistake; a report that cannot be written loses neither
        # the other output's file nor stdout's results, and says why.
        out_csv = os.path.join(tmp, "rows.csv")
        report = os.path.join(tmp, "case.html")
        code, out, err = run(wmihunt, *csv_args, "-o", out_csv, "--report", report, server)
        with open(out_csv, encoding="utf-8", newline="") as f:
            written = f.read()
        with open(report, encoding="utf-8") as f:
            html = f.read()
        expect("-o and --report: exit 1, the rows in -o, the report beside them",
               code == 1 and written == expected_csv and html.startswith("<!DOCTYPE html>")
               and "KillProcess" in html, f"{code}\n{err}")
        code, out, err = run(wmihunt, "-o", report, "--report", os.path.join(tmp, ".", "case.html"),
                             server)
        expect("-o and --report naming one file: exit 2, one line naming both",
               code == 2 and err.startswith("wmihunt: error: --report") and "same file" in err
               and err.count("\n") == 1, err)
        missing_dir = os.path.join(tmp, "no-such-folder", "case.html")
        code, out, err = run(wmihunt, *csv_args, "--report", missing_dir, server)
        expect("--report into a missing folder: exit 2 naming it, before reading",
               code == 2 and f"cannot write {missing_dir}" in err and out == "", err)
        code, out, err = run(wmihunt, *csv_args, "--report", "/dev/full", server)
        expect("--report /dev/full: exit 2 naming it, the rows still on stdout",
               code == 2 and "cannot write /dev/full: No space left on device" in err
               and out == expected_csv, f"{code}\n{err}")

        # A device is written in place, never replaced; a full one is an error with the reason.
        code, out, err = run(wmihunt, "-o", "/dev/full", server)
        expect("-o /dev/full: exit 2 naming it and the reason",
               code == 2 and "wmihunt: error: cannot write /dev/full: No space left on device\n" in err, err)
        expect("... and /dev/full is still a character device", stat.S_ISCHR(os.stat("/dev/full").st_mode))
        code, out, err = run(wmihunt, "-o", "/dev/null", server)
        expect("-o /dev/null: findings (exit 1), /dev/null still a character device",
               code == 1 and stat.S_ISCHR(os.stat("/dev/null").st_mode), err)
        with open("/dev/full", "wb") as full:
            proc = subprocess.run([wmihunt, server], stdout=full, stderr=subprocess.PIPE, timeout=300)
        expect("stdout on a full device: exit 2 with the reason",
               proc.returncode == 2 and "wmihunt: error: cannot write the results to standard output: "
               "No space left on device\n" in proc.stderr.decode(), proc.stderr.decode())

        # A FIFO is streamed into: its reader gets the whole output.
        fifo = os.path.join(tmp, "results.fifo")
        os.mkfifo(fifo)
        received = {}

        def read_fifo():
            with open(fifo, "rb") as f:
                received["data"] = f.read()
        reader = threading.Thread(target=read_fifo)
        reader.start()
        code, out, err = run(wmihunt, *csv_args, "-o", fifo, server)
        reader.join(60)
        expect("-o FIFO: the reader gets the same bytes as stdout, the FIFO stays",
               code == 1 and received.get("data", b"").decode() == expected_csv and expected_csv
               and stat.S_ISFIFO(os.lstat(fifo).st_mode), f"{code} {err}")
        os.remove(fifo)

        # A symbolic link: its target is written, the link stays a link.
        reports = os.path.join(tmp, "reports")
        os.makedirs(reports)
        real = os.path.join(reports, "real.csv")
        with open(real, "w") as f:
            f.write("old\n")
        link = os.path.join(tmp, "link.csv")
        os.symlink(real, link)
        code, out, err = run(wmihunt, *csv_args, "-o", link, server)
        expect("-o LINK: the link's target holds the results, the link is kept, no temporary left",
               code == 1 and os.path.islink(link) and os.readlink(link) == real
               and open(real, newline="").read() == expected_csv and os.listdir(reports) == ["real.csv"], err)
        os.remove(link)
        shutil.rmtree(reports)

        # Temporaries are new files under random names: links planted at the names a
        # predictable scheme (.NAME.wmihunt-PID.tmp) would use for the next 2000 process
        # ids lead nowhere, and a link at a name never redirects the write (the random
        # draws and O_EXCL|O_NOFOLLOW themselves are tested in test_output.cpp).
        planted = os.path.join(tmp, "planted")
        os.makedirs(planted)
        victim = os.path.join(tmp, "victim.txt")
        with open(victim, "w") as f:
            f.write("precious\n")
        first = os.getpid()
        for pid in range(first, first + 2000):
            os.symlink(victim, os.path.join(planted, f".out.csv.wmihunt-{pid}.tmp"))
        code, out, err = run(wmihunt, *csv_args, "-o", os.path.join(planted, "out.csv"), server)
        expect("planted links at predictable temporary names: never followed",
               code == 1 and open(victim).read() == "precious\n"
               and open(os.path.join(planted, "out.csv"), newline="").read() == expected_csv
               and len(os.listdir(planted)) == 2001, err)
        shutil.rmtree(planted)
        os.remove(victim)

        # A target that cannot be written is an error before the scan, in wmihunt's words.
        missing = os.path.join(tmp, "missing", "x.csv")
        for args, message in ((["-o", missing], f"cannot write {missing}: No such file or directory"),
                              (["-f", "csv", "--output-dir", "/dev/full/x"],
                               "--output-dir /dev/full/x: cannot create the folder: Not a directory"),
                              (["-o", tmp], f"cannot write {tmp}: Is a directory")):
            code, out, err = run(wmihunt, *args, server)
            expect(f"{' '.join(args)}: one line naming the target and the reason, before the scan",
                   code == 2 and err == f"wmihunt: error: {message}\n", err)

        # File names are escaped on stderr and in tables: ESC, BEL, a newline that would
        # forge a summary line, U+202E (right-to-left override) and an invalid UTF-8 byte.
        names = os.path.join(tmp, "names")
        os.makedirs(names)
        evil = "evil\x1b]0;owned\x07\nwmihunt: 0 files read\u202e\udcff.evtx"
        shown = "evil\\x1B]0;owned\\x07\\nwmihunt: 0 files read\\u202E\\xFF.evtx"
        shutil.copyfile(server, os.path.join(names, "a.evtx"))
        shutil.copyfile(server, os.path.join(names, evil))
        proc = subprocess.run([wmihunt, names], capture_output=True, timeout=300)
        err = proc.stderr.decode("utf-8", "surrogateescape")
        expect("a hostile file name on stderr: escaped, every line wmihunt's own",
               proc.returncode == 1 and shown in err and "\x1b" not in err and "\x07" not in err
               and "\u202e" not in err and "\udcff" not in err
               and all(line.startswith("wmihunt: ") for line in err.splitlines()), err)
        proc = subprocess.run([wmihunt, "--events", "--keep-duplicates", "--width", "0", names],
                              capture_output=True, timeout=300)
        out = proc.stdout.decode("utf-8", "surrogateescape")
        expect("... and in the --events table",
               proc.returncode == 1
               and out.count(os.path.join(names, shown)) == out.count(os.path.join(names, "a.evtx")) > 0
               and "\x1b" not in out and "\u202e" not in out and "\udcff" not in out, out)
        shutil.rmtree(names)

        # Atomic output: a write that fails midway leaves neither the target nor a temporary,
        # and an earlier file under the target name is left as it was.
        out_dir = os.path.join(tmp, "out")
        os.makedirs(out_dir)
        target = os.path.join(out_dir, "permanent.csv")
        with open(target, "w") as f:
            f.write("earlier results\n")
        proc = subprocess.run([wmihunt, "-f", "csv", "-d", "permanent", "--no-default-exclusions",
                               "-o", target, server], capture_output=True, timeout=300,
                              preexec_fn=file_size_limit(200))
        err = proc.stderr.decode()
        expect("a write failing midway exits 2 with one error naming the output file",
               proc.returncode == 2 and f"wmihunt: error: cannot write {target}" in err, f"{proc.returncode} {err}")
        expect("... and leaves the earlier file under the target name untouched, no temporary",
               open(target).read() == "earlier results\n" and os.listdir(out_dir) == ["permanent.csv"],
               os.listdir(out_dir))
        os.remove(target)
        # temporary.csv (282 bytes) fits under the limit, permanent.csv (8986 bytes) does not.
        proc = subprocess.run([wmihunt, "-f", "csv", "--output-dir", out_dir, server],
                              capture_output=True, timeout=300, preexec_fn=file_size_limit(1000))
        expect("--output-dir failing on its second file leaves no file at all", proc.returncode == 2 and
               os.listdir(out_dir) == [], f"{proc.returncode} {os.listdir(out_dir)} {proc.stderr.decode()}")
        code, out, err = run(wmihunt, "-f", "csv", "-d", "permanent", "-o", target, server)
        expect("the same run without the limit writes the file", code == 1 and
               open(target).read().startswith("dest,consumer,Message"), err)

        # A closed pipe: the reader of stdout goes away before wmihunt writes, as with
        # `wmihunt ... | head -c1`.
        for how in ("closed before any output", "closed after one byte"):
            proc = subprocess.Popen([wmihunt, "--no-default-exclusions", triage, server],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if how == "closed after one byte":
                proc.stdout.read(1)
            proc.stdout.close()
            err = proc.stderr.read().decode()
            code = proc.wait(timeout=300)
            expect(f"broken pipe ({how}): exit status below 128, no error message",
                   0 <= code < 128 and "error" not in err, f"status {code}\n{err}")
        pipeline = subprocess.run(["sh", "-c", f"('{wmihunt}' --no-default-exclusions '{triage}'; echo \"wmihunt=$?\" >&2)"
                                   " | head -c1 >/dev/null"], capture_output=True, timeout=300)
        status = re.search(r"wmihunt=(\d+)", pipeline.stderr.decode())
        expect("`wmihunt ... | head -c1` in a shell: wmihunt exits below 128 quietly",
               status and int(status.group(1)) < 128 and "error" not in pipeline.stderr.decode(),
               pipeline.stderr.decode())

        # SIGINT during a long scan: copies of the triage folder (copies, not hard links,
        # which are the same file and read once), all read with --keep-duplicates and
        # decoded in full (--no-screen) on one thread, so that the scan is still running
        # when the signal comes: about 8 s of work on a 2022 server core, signal at 1.5 s.
        big = os.path.join(tmp, "big")
        names = sorted(n for n in os.listdir(triage) if n.lower().endswith(".evtx"))
        copies = 12
        for i in range(copies):
            folder = os.path.join(big, f"copy{i:02}")
            os.makedirs(folder)
            for name in names:
                shutil.copyfile(os.path.join(triage, name), os.path.join(folder, name))
        total = copies * len(names)
        partial = os.path.join(out_dir, "partial.txt")
        partial_report = os.path.join(out_dir, "partial.html")
        for output in ([], ["-o", partial], ["--report", partial_report]):
            proc = subprocess.Popen([wmihunt, "--keep-duplicates", "--no-screen", "-j1", *output, big],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(1.5)
            proc.send_signal(signal.SIGINT)
            try:
                out, err = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
            err = err.decode()
            read = re.search(r"interrupted: the results are partial \((\d+) of (\d+) files read\)", err)
            expect(f"SIGINT {' '.join(output)}: exit 130, says the results are partial, stopped early",
                   proc.returncode == 130 and read and int(read.group(1)) < total == int(read.group(2)),
                   f"status {proc.returncode}\n{err[-2000:]}")
            if output and output[0] == "-o":
                expect("SIGINT with -o: no output file, no temporary",
                       os.listdir(out_dir) == ["permanent.csv"] and "no output file was written" in err,
                       os.listdir(out_dir))
            elif output:
                expect("SIGINT with --report: partial results on stdout, no report, no temporary",
                       os.listdir(out_dir) == ["permanent.csv"] and "no report was written" in err
                       and b"WMI Temporary Event Subscription" in out, os.listdir(out_dir))
            else:
                expect("SIGINT: the partial results are on stdout", b"WMI Temporary Event Subscription" in out,
                       out[:200])

        # Symbolic links: a loop inside the tree and a link leading out of it are not followed.
        tree = os.path.join(tmp, "tree")
        outside = os.path.join(tmp, "outside")
        os.makedirs(os.path.join(tree, "host", "logs"))
        os.makedirs(outside)
        shutil.copyfile(server, os.path.join(outside, "WMI.evtx"))
        os.symlink("../..", os.path.join(tree, "host", "logs", "loop"))
        os.symlink(outside, os.path.join(tree, "host", "elsewhere"))
        shutil.copyfile(os.path.join(samples, "wmi", "Win10-RathbunVM_WMI-Activity.evtx"),
                        os.path.join(tree, "host", "logs", "WMI.evtx"))
        code, out, err = run(wmihunt, "--no-default-exclusions", "-f", "csv", "-d", "permanent", tree)
        rathbun = run(wmihunt, "--no-default-exclusions", "-f", "csv", "-d", "permanent",
                      os.path.join(tree, "host", "logs", "WMI.evtx"))
        expect("a symlink loop ends, and the tree's results are its own file's only",
               code == rathbun[0] and out == rathbun[1] and "WIN-FUDU2CKJOE8" not in out, f"{code}\n{out}\n{err}")

        # Evidence is read only: nothing in the input tree changes, nothing is added.
        before = tree_state(tree)
        run(wmihunt, "--recover", "-f", "csv", "--output-dir", out_dir, tree)
        run(wmihunt, "--recover", tree)
        expect("inputs are never written or added to", tree_state(tree) == before)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
