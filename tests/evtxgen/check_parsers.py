#!/usr/bin/python3
"""Checks that independent EVTX parsers read evtxgen's files exactly as evtxgen intended.

For every .evtx file with a manifest (FILE.evtx.manifest.jsonl, written by
`evtxgen ... --manifest`), compares record by record: record count, EventRecordID,
EventID, Provider Name, Computer, TimeCreated and the ordered UserData/EventData values, as
read by
  - python-evtx (williballenthin/python-evtx, Debian python3-evtx),
  - libevtx's evtxexport (Debian libevtx-utils): XML output for the System values, text
    output ("String: N") for the values libevtx_record_get_utf8_string returns,
  - optionally a third parser (--dump-cmd CMD FILE printing JSON lines
    {"record_id","event_id","provider","computer","time_created","values"}).

Modes:
  check_parsers.py --evtxgen BIN --scenarios DIR --fixtures DIR [--dump-cmd CMD]
      regenerates the fixtures with manifests into a temporary folder and checks the
      committed files of DIR (fixtures) against them; scenarios whose damage costs
      records (bad magic, truncation, size copy, null values) are skipped.
  check_parsers.py [--dump-cmd CMD] FILE_OR_DIR...
      checks the given files (folders: every .evtx below) against their manifests.

Exit status: 0 all agree, 1 a disagreement (printed as expected vs got), 2 usage/setup
error, 77 python-evtx is not installed (a CTest skip).
"""

import argparse
import base64
import datetime
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

try:
    from Evtx.Evtx import Evtx
except ImportError:
    print("check_parsers: python-evtx (Debian python3-evtx) is not installed; skipping")
    sys.exit(77)

# EVTX value types whose text differs between parsers only by convention.
TYPE_BOOL = 0x0D
TYPE_BINARY = 0x0E
TYPE_GUID = 0x0F

NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"


class Mismatch(Exception):
    pass


def load_manifest(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def filetime_of(iso):
    """'YYYY-MM-DDTHH:MM:SS.fffffffZ' -> FILETIME ticks."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{7})Z", iso)
    if not m:
        raise ValueError("bad manifest time " + iso)
    y, mo, d, h, mi, s, frac = (int(x) for x in m.groups())
    days = (datetime.date(y, mo, d) - datetime.date(1601, 1, 1)).days
    return ((days * 86400 + h * 3600 + mi * 60 + s) * 10_000_000) + frac


def python_evtx_time(iso):
    """The TimeCreated text python-evtx prints for this FILETIME (its own float formula)."""
    ticks = filetime_of(iso)
    return datetime.datetime.utcfromtimestamp(float(ticks) * 1e-7 - 11644473600).isoformat(" ")


def seven_digits(iso):
    """Normalises 'YYYY-MM-DDTHH:MM:SS[.f+]Z' to exactly 7 fraction digits."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z", iso)
    if not m:
        return iso
    frac = (m.group(2) or "")[:7].ljust(7, "0")
    return f"{m.group(1)}.{frac}Z"


def value_matches(expected, vtype, got, parser):
    if got == expected:
        return True
    if vtype == TYPE_GUID:
        return got.lower() == expected.lower()
    if vtype == TYPE_BOOL:  # Windows renders "true"/"false", python-evtx "True"/"False"
        return got.lower() == expected
    if vtype == TYPE_BINARY:
        raw = bytes.fromhex(expected)
        return got.upper() == expected.upper() or got == base64.b64encode(raw).decode("ascii")
    return False


def compare(path, parser, manifest, records):
    """records: list of dicts with the manifest's keys (time_created in parser's own text)."""
    problems = []
    if len(records) != len(manifest):
        problems.append(f"record count: expected {len(manifest)}, got {len(records)}")
    for want, got in zip(manifest, records):
        rid = want["record_id"]
        for key in ("record_id", "event_id", "provider", "computer", "time_created"):
            if got.get(key) != want.get(key):
                problems.append(
                    f"record {rid} {key}: expected {want.get(key)!r}, got {got.get(key)!r}")
        wv, gv = want["values"], got.get("values")
        if gv is None or len(gv) != len(wv):
            problems.append(f"record {rid} values: expected {len(wv)} values {wv!r}, got {gv!r}")
            continue
        for i, (w, g, t) in enumerate(zip(wv, gv, want["types"])):
            if not value_matches(w, t, g, parser):
                problems.append(f"record {rid} value {i + 1}: expected {w!r}, got {g!r}")
        if len(problems) > 20:
            break
    if problems:
        raise Mismatch(f"{path}: {parser} disagrees with the manifest:\n  " +
                       "\n  ".join(problems[:20]))


def python_evtx_record(record):
    xml = record.xml().replace("\r", "&#13;")  # keep CR through XML parsing
    root = ET.fromstring(xml)
    system = root.find(NS + "System")
    values = []
    user_data = root.find(NS + "UserData")
    event_data = root.find(NS + "EventData")
    if user_data is not None and len(user_data):
        values = [c.text or "" for c in list(user_data)[0]]
    elif event_data is not None:
        values = [c.text or "" for c in event_data]
    return {
        "record_id": int(system.find(NS + "EventRecordID").text),
        "event_id": int(system.find(NS + "EventID").text),
        "provider": system.find(NS + "Provider").get("Name"),
        "computer": system.find(NS + "Computer").text or "",
        "time_created": system.find(NS + "TimeCreated").get("SystemTime"),
        "values": values,
    }


# Chunk stride for python-evtx (set by --python-evtx-chunk-stride): records of every
# STRIDE-th chunk are compared in full; of the others, only their record ids (python-evtx
# renders about 50-300 records a second, too slow for whole corpora).
PYTHON_EVTX_STRIDE = 1


def read_python_evtx(path, manifest):
    out = []
    ids = []
    with Evtx(path) as log:
        for i, chunk in enumerate(log.chunks()):
            for record in chunk.records():
                if i % PYTHON_EVTX_STRIDE == 0:
                    out.append(python_evtx_record(record))
                    ids.append(out[-1]["record_id"])
                else:
                    ids.append(record.record_num())
    want_ids = [m["record_id"] for m in manifest]
    if ids != want_ids:
        raise Mismatch(f"{path}: python-evtx record ids differ from the manifest "
                       f"({len(ids)} records, expected {len(want_ids)})")
    full = {r["record_id"] for r in out}
    expected = [dict(m, time_created=python_evtx_time(m["time_created"]))
                for m in manifest if m["record_id"] in full]
    return expected, out


def xml_unescape(s):
    def ref(m):
        body = m.group(1)
        if body.startswith("#x"):
            return chr(int(body[2:], 16))
        if body.startswith("#"):
            return chr(int(body[1:]))
        return {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}[body]
    return re.sub(r"&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);", ref, s)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise Mismatch(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode(errors='replace')}")
    return p.stdout.decode("utf-8", errors="surrogateescape")


def read_evtxexport(path, manifest):
    xml = run(["evtxexport", "-f", "xml", path])
    text = run(["evtxexport", path])
    events = re.findall(r"<Event xmlns=.*?\n</Event>\n", xml, flags=re.S)
    blocks = re.split(r"^Event number\t\t\t: ", text, flags=re.M)[1:]
    out = []
    for ev, block in zip(events, blocks):
        rid = int(re.search(r"<EventRecordID>(\d+)</EventRecordID>", ev).group(1))
        m = re.search(r"<Computer>(.*?)</Computer>|<Computer/>", ev, flags=re.S)
        computer = xml_unescape(m.group(1) or "") if m else None
        provider = xml_unescape(re.search(r'<Provider Name="(.*?)"', ev).group(1))
        event_id = int(re.search(r"<EventID[^>]*>(\d+)</EventID>", ev).group(1))
        time = re.search(r'<TimeCreated SystemTime="(.*?)"', ev).group(1)
        n = int(re.search(r"^Number of strings\t\t: (\d+)$", block, flags=re.M).group(1))
        values = []
        pos = 0
        for k in range(1, n + 1):
            marker = f"String: {k}\t\t\t: "
            start = block.index(marker, pos) + len(marker)
            if k < n:
                end = block.index(f"\nString: {k + 1}\t\t\t: ", start)
            else:
                end = len(block) - 2 if block.endswith("\n\n") else len(block) - 1
            values.append(block[start:end])
            pos = end
        out.append({"record_id": rid, "event_id": event_id, "provider": provider,
                    "computer": computer, "time_created": seven_digits(time), "values": values})
    if len(events) != len(blocks):
        raise Mismatch(f"{path}: evtxexport XML has {len(events)} events, text {len(blocks)}")
    return manifest, out


def read_dump(cmd, path, manifest):
    lines = run(shlex.split(cmd) + [path]).splitlines()
    out = [json.loads(line) for line in lines if line.strip()]
    for r in out:
        r["time_created"] = seven_digits(r.get("time_created", ""))
    return manifest, out


def check_file(path, manifest_path, dump_cmd, skip_python, skip_evtxexport=False):
    manifest = load_manifest(manifest_path)
    readers = [] if skip_evtxexport else [("evtxexport", read_evtxexport)]
    if not skip_python:
        readers.insert(0, ("python-evtx", read_python_evtx))
    if dump_cmd:
        readers.append((dump_cmd, lambda p, m: read_dump(dump_cmd, p, m)))
    for name, reader in readers:
        expected, got = reader(path, manifest)
        compare(path, name, expected, got)
    return len(manifest), [name for name, _ in readers]


# Damage that leaves every record readable by both parsers: such files are checked in full.
RECORD_PRESERVING_DAMAGE = {"bad_header_crc", "bad_chunk_header_crc", "bad_chunk_data_crc",
                            "slack_garbage"}


def damaged(scenario_path):
    """True when the scenario's damage may cost records (those files are not compared)."""
    with open(scenario_path, encoding="utf-8") as f:
        kinds = {d["kind"] for d in json.load(f).get("damage", [])}
    return bool(kinds - RECORD_PRESERVING_DAMAGE)


def self_test(evtxgen, scenarios, dump_cmd):
    """The comparison must notice a wrong value, a wrong time and a missing record."""
    with tempfile.TemporaryDirectory(prefix="check_parsers_self.") as tmp:
        subprocess.run([evtxgen, "scenario", os.path.join(scenarios, "single_host.json"),
                        "--out", tmp, "--manifest"], check=True, stdout=subprocess.DEVNULL)
        path = os.path.join(tmp, "single_host.evtx")
        good = load_manifest(path + ".manifest.jsonl")
        wrong_value = [dict(r) for r in good]
        wrong_value[5] = dict(wrong_value[5], values=list(wrong_value[5]["values"]))
        wrong_value[5]["values"][0] += "x"
        wrong_time = [dict(r) for r in good]
        t = wrong_time[7]["time_created"]  # YYYY-MM-DDTHH:MM:SS.fffffffZ: shift by 0.5 s
        wrong_time[7] = dict(wrong_time[7], time_created=t[:20] + str((int(t[20]) + 5) % 10) + t[21:])
        cases = {"a changed value": wrong_value, "a changed time": wrong_time,
                 "a missing record": good[:-1]}
        readers = [("python-evtx", read_python_evtx), ("evtxexport", read_evtxexport)]
        if dump_cmd:
            readers.append((dump_cmd, lambda p, m: read_dump(dump_cmd, p, m)))
        failed = 0
        for name, reader in readers:
            compare(path, name, *reader(path, good))  # the true manifest agrees
            for what, manifest in cases.items():
                try:
                    compare(path, name, *reader(path, manifest))
                    print(f"FAIL self-test: {name} comparison missed {what}")
                    failed += 1
                except Mismatch:
                    print(f"ok   self-test: {name} comparison notices {what}")
        return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--evtxgen", help="evtxgen binary (fixture mode)")
    ap.add_argument("--scenarios", help="scenario folder (fixture mode)")
    ap.add_argument("--fixtures", help="committed fixture folder (fixture mode)")
    ap.add_argument("--dump-cmd", help="third parser: CMD FILE prints JSON lines")
    ap.add_argument("--optional-dump", metavar="PATH",
                    help="use PATH as --dump-cmd when that file exists (else say so and go on)")
    ap.add_argument("--skip-python-evtx", action="store_true",
                    help="only evtxexport (and --dump-cmd); python-evtx is slow on corpora")
    ap.add_argument("--skip-evtxexport", action="store_true",
                    help="leave out evtxexport (to split a long corpus check into runs)")
    ap.add_argument("--python-evtx-chunk-stride", type=int, default=1, metavar="K",
                    help="python-evtx: compare the records of every K-th chunk in full, "
                         "only the record ids of the others (default 1: all)")
    ap.add_argument("--self-test", action="store_true",
                    help="check that the comparison detects wrong manifests (needs --evtxgen, --scenarios)")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()
    global PYTHON_EVTX_STRIDE
    PYTHON_EVTX_STRIDE = max(1, args.python_evtx_chunk_stride)

    if args.optional_dump and not args.dump_cmd:
        if os.access(args.optional_dump, os.X_OK):
            args.dump_cmd = args.optional_dump
        else:
            print(f"note: {args.optional_dump} not built; checking python-evtx and evtxexport only")
    if args.self_test:
        if not (args.evtxgen and args.scenarios):
            ap.error("--self-test needs --evtxgen and --scenarios")
        return self_test(args.evtxgen, args.scenarios, args.dump_cmd)
    pairs = []  # (evtx file, manifest)
    tmp = None
    if args.evtxgen:
        if not (args.scenarios and args.fixtures):
            ap.error("--evtxgen needs --scenarios and --fixtures")
        tmp = tempfile.TemporaryDirectory(prefix="check_parsers.")
        subprocess.run([args.evtxgen, "fixtures", "--out", tmp.name, "--scenarios",
                        args.scenarios, "--manifest"], check=True, stdout=subprocess.DEVNULL)
        for name in sorted(os.listdir(args.scenarios)):
            if not name.endswith(".json"):
                continue
            stem = name[:-5]
            if damaged(os.path.join(args.scenarios, name)):
                print(f"skip {stem}: damaged on purpose, records lost")
                continue
            single = os.path.join(args.fixtures, stem + ".evtx")
            files = [single] if os.path.exists(single) else [
                os.path.join(args.fixtures, stem, f)
                for f in sorted(os.listdir(os.path.join(args.fixtures, stem)))
                if f.endswith(".evtx")]
            for f in files:
                rel = os.path.relpath(f, args.fixtures)
                pairs.append((f, os.path.join(tmp.name, rel) + ".manifest.jsonl"))
    for p in args.paths:
        if os.path.isdir(p):
            for dirpath, _, names in sorted(os.walk(p)):
                for n in sorted(names):
                    if n.endswith(".evtx"):
                        f = os.path.join(dirpath, n)
                        pairs.append((f, f + ".manifest.jsonl"))
        else:
            pairs.append((p, p + ".manifest.jsonl"))
    if not pairs:
        ap.error("nothing to check")

    failures = 0
    total = 0
    for f, m in pairs:
        if not os.path.exists(m):
            print(f"FAIL {f}: no manifest {m}")
            failures += 1
            continue
        try:
            n, names = check_file(f, m, args.dump_cmd, args.skip_python_evtx, args.skip_evtxexport)
            total += n
            print(f"ok   {f}: {n} records agree ({', '.join(names)})")
        except (Mismatch, ET.ParseError, ValueError, AttributeError) as e:
            failures += 1
            print(f"FAIL {e}")
    print(f"{len(pairs) - failures}/{len(pairs)} files agree, {total} records")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
