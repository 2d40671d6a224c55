#!/usr/bin/env python3
"""Damaged and duplicated evidence, on the real logs of ../shared/evtx-samples.

For every file of damaged/: wmihunt ends normally (status below 128), reads exactly the
records evtxexport (libevtx's own tool) exports, and with --recover at least every
recovered record evtxexport exports; python-evtx's reading is printed beside them.
Damaged files mixed with good ones, and duplicated files, never change the good
files' results.

usage: damaged.py WMIHUNT WMIHUNT_DUMP SAMPLES_DIR   (exits 77, skipped, when SAMPLES_DIR
is absent)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from checks import SKIPPED, expect, failures, samples_absent

# Debian's python3-evtx is installed for /usr/bin/python3, not for a python3 first on PATH.
SYSTEM_PYTHON = "/usr/bin/python3"
PYTHON_EVTX_IDS = r"""
import re, sys, Evtx.Evtx as evtx
ids = []
with evtx.Evtx(sys.argv[1]) as log:
    for chunk in log.chunks():
        try:
            for record in chunk.records():
                try:
                    number = re.search(r"<EventRecordID>(\d+)</EventRecordID>", record.xml())
                    ids.append(int(number.group(1)) if number else record.record_num())
                except Exception:
                    pass
        except Exception:
            pass
print(" ".join(map(str, ids)))
"""


def run(*args):
    # -q: these checks read wmihunt's warnings line by line, without the end summary.
    args = [args[0], "-q", *args[1:]] if os.path.basename(args[0]) == "wmihunt" else list(args)
    proc = subprocess.run(list(args), capture_output=True)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def dump_ids(dump, path, recover):
    code, out, err = run(dump, *(["--recover"] if recover else []), path)
    regular, recovered = [], []
    for line in out.splitlines():
        record = json.loads(line)
        (recovered if record["recovered"] else regular).append(record["record_id"])
    return code, regular, recovered


def evtxexport_ids(path, mode):
    code, out, err = run("evtxexport", "-m", mode, "-f", "xml", path)
    return [int(n) for n in re.findall(r"<EventRecordID>(\d+)</EventRecordID>", out)]


def python_evtx_ids(path):
    if not os.path.exists(SYSTEM_PYTHON):
        return None
    code, out, err = run(SYSTEM_PYTHON, "-c", PYTHON_EVTX_IDS, path)
    return [int(n) for n in out.split()] if code == 0 else None


def csv_of(wmihunt, *args):
    code, out, err = run(wmihunt, "-f", "csv", "-d", "permanent", *args)
    return code, out, err


def main():
    wmihunt, dump, samples = sys.argv[1], sys.argv[2], sys.argv[3]
    if samples_absent(samples):
        return SKIPPED
    if shutil.which("evtxexport") is None:
        print("SKIP: evtxexport (libevtx-utils) is not installed")
        return 77
    damaged_dir = os.path.join(samples, "damaged")
    damaged = sorted(os.path.join(damaged_dir, n) for n in os.listdir(damaged_dir))
    server = os.path.join(samples, "wmi", "Server2022-APTSimulatorVM_WMI-Activity.evtx")

    print("file: wmihunt read (+recovered) / evtxexport items (+recovered) / python-evtx")
    for path in damaged:
        name = os.path.basename(path)
        for extra in ([], ["--recover"]):
            code, out, err = run(wmihunt, *extra, path)
            expect(f"{name} {' '.join(extra)}: ends normally (status {code} < 128)",
                   0 <= code < 128 and "Traceback" not in err, err)
        if os.path.getsize(path) == 0 or open(path, "rb").read(8) != b"ElfFile\0":
            code, out, err = run(wmihunt, path)
            expect(f"{name}: not EVTX, exit 2 with a one-line error naming it",
                   code == 2 and f"wmihunt: error: {path}: " in err and len(err.splitlines()) == 1, err)
            continue
        code, regular, recovered = dump_ids(dump, path, True)
        items = evtxexport_ids(path, "items")
        exported_recovered = evtxexport_ids(path, "recovered")
        python_ids = python_evtx_ids(path)
        print(f"     {name}: {len(regular)} (+{len(recovered)}) / {len(items)} (+{len(exported_recovered)})"
              f" / {'n/a' if python_ids is None else len(python_ids)}"
              + ("" if python_ids is None else
                 f"; python-evtx only: {sorted(set(python_ids) - set(regular) - set(recovered))}"))
        expect(f"{name}: every record evtxexport exports is read", sorted(regular) == sorted(items),
               f"wmihunt {len(regular)}, evtxexport {len(items)}")
        expect(f"{name}: with --recover, every recovered record evtxexport exports is read",
               set(exported_recovered) <= set(recovered),
               f"missing {sorted(set(exported_recovered) - set(recovered))}")

    # Damage that wmihunt detects itself is named, with what was skipped.
    # (The screen never decodes this file's one chunk, which holds no WMI event: --no-screen.)
    code, out, err = run(wmihunt, "--no-screen", os.path.join(damaged_dir, "MSExchange_Management_wec.evtx"))
    expect("a rejected record is a warning naming the file and the count",
           code == 0 and re.search(r"warning: .*MSExchange_Management_wec.evtx: damaged: "
                                   r"1 of 1 records rejected by libevtx and skipped", err), err)
    # python-evtx's chunk checks on this file: chunks 0, 7 and 9 have a bad data CRC. Their
    # headers (whose own CRC holds) announce 130, 78 and 130 records; evtxexport returns 13,
    # 12 and 113 of them: 200 records are never read.
    code, out, err = run(wmihunt, os.path.join(damaged_dir, "sample_with_a_bad_chunk_magic.evtx"))
    expect("chunks with a bad CRC are a warning naming the file, the count and the lost records",
           code == 0 and re.search(r"warning: .*sample_with_a_bad_chunk_magic.evtx: damaged: "
                                   r"200 records that sound chunk headers announce never returned "
                                   r"by libevtx; 3 chunks with a bad magic or CRC", err), err)
    truncated = os.path.join(damaged_dir, "truncated_WMI-Activity.evtx")
    code, out, err = run(wmihunt, truncated)
    # 300000 bytes = 4096 header + 4 * 65536 chunks + 33760 bytes of a fifth chunk.
    for extra in ([], ["--no-screen"]):
        code, out, err = run(wmihunt, *extra, truncated)
        expect(f"a file cut short mid-chunk is a warning naming the file {' '.join(extra)}",
               f"warning: {truncated}: damaged: the file ends inside its last chunk (cut short)" in err, err)
    code, out, err = run(wmihunt, "--strict", truncated)
    expect("--strict makes damage an error, exit 2",
           code == 2 and "wmihunt: error: " in err and truncated in err, f"got {code}\n{err}")

    # Good results are the same alone and mixed with every damaged file.
    alone = csv_of(wmihunt, server)
    mixed = csv_of(wmihunt, *damaged[:len(damaged) // 2], server, *damaged[len(damaged) // 2:])
    expect("damaged files mixed with a good one leave its results unchanged",
           alone[0] == 1 and mixed[1] == alone[1], f"alone:\n{alone[1]}\nmixed:\n{mixed[1]}")
    mixed = csv_of(wmihunt, "--recover", *damaged, server)
    alone_recover = csv_of(wmihunt, "--recover", server)
    expect("... and with --recover too", mixed[1] == alone_recover[1],
           f"alone:\n{alone_recover[1]}\nmixed:\n{mixed[1]}")

    with tempfile.TemporaryDirectory() as tmp:
        copies = [os.path.join(tmp, "a", "WMI.evtx"), os.path.join(tmp, "b", "WMI.evtx")]
        for copy in copies:
            os.makedirs(os.path.dirname(copy))
            shutil.copyfile(server, copy)
        code, out, err = csv_of(wmihunt, tmp)
        expect("a byte-identical copy is read once, with a note naming both",
               out == alone[1] and f"note: {copies[1]}: same bytes as {copies[0]}" in err,
               f"{out}\n{err}")
        # Same size and same file header, one byte different further on: not a copy.
        near = os.path.join(tmp, "c", "WMI.evtx")
        os.makedirs(os.path.dirname(near))
        shutil.copyfile(server, near)
        with open(near, "r+b") as f:
            f.seek(-1, os.SEEK_END)
            last = f.read(1)
            f.seek(-1, os.SEEK_END)
            f.write(bytes([last[0] ^ 0xFF]))
        code, out, err = csv_of(wmihunt, copies[0], near)
        expect("a file with the same size and header but other bytes is read as its own",
               "same bytes as" not in err and "events already seen" in err, err)
        os.remove(near)
        code, kept, err = csv_of(wmihunt, "--keep-duplicates", tmp)
        counts = lambda text: [line.split(",")[-3] for line in text.splitlines()
                               if re.search(r",\d+,\d{4}-", line)]
        expect("--keep-duplicates reads the copy and counts every event twice",
               counts(kept) == [str(2 * int(n)) for n in counts(alone[1])] and counts(kept),
               f"alone {counts(alone[1])}, kept {counts(kept)}")
        # The truncated file is a prefix of the server log: the same events, seen twice.
        code, out, err = csv_of(wmihunt, truncated, server)
        expect("an event seen in two overlapping exports is counted once, with a note",
               out == alone[1] and re.search(r"note: .*Server2022.*: \d+ events already seen", err),
               f"{out}\n{err}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
