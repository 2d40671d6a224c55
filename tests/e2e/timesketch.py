#!/usr/bin/env python3
"""--format timesketch writes what Timesketch's JSON Lines import takes, field by field.

Timesketch's documentation ("Import from JSON or CSV", timesketch.org / the project's
docs/guides/user/import-from-json-csv.md) asks for one JSON object per line with the
mandatory fields "message" (a string with an informative message), "datetime" (ISO 8601,
for example 2015-07-24T19:01:01+00:00) and "timestamp_desc" (a string saying what the time
is), and shows "timestamp" (an integer) beside them; any other field is an attribute. This
checks every line of --events and --subscriptions on the shared samples against that, and
against the same run's -f jsonl rows: one line per event (Time Created), one per
subscription (First Seen) and one more when it was seen later (Last Seen), each carrying
the row's fields that have a value, unchanged. Also: the time in UTC whatever --timezone
says, the option refused without a timeline view, and merge writing it too.

usage: timesketch.py WMIHUNT SAMPLES_DIR     (exits 77, skipped, without the samples)
"""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

from checks import expect, failures

DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def lines(wmihunt, *args):
    proc = subprocess.run([wmihunt, "-q", *args], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.exit(f"wmihunt {' '.join(args)}: exit {proc.returncode}: {proc.stderr}")
    return [json.loads(line) for line in proc.stdout.splitlines()]


def micros(iso7):
    """Microseconds since the epoch of an ISO time with 7 fraction digits and Z."""
    base = datetime.datetime.fromisoformat(iso7[:19] + "+00:00")
    return (base - EPOCH) // datetime.timedelta(seconds=1) * 1_000_000 + int(iso7[20:26])


def check_line(label, line, iso7, description, row):
    expect(f"{label}: message is a non-empty string",
           isinstance(line.get("message"), str) and line["message"].strip() != "", line)
    expect(f"{label}: datetime is ISO 8601 with microseconds and offset",
           isinstance(line.get("datetime"), str) and DATETIME.fullmatch(line["datetime"]),
           line.get("datetime"))
    parsed = datetime.datetime.fromisoformat(line["datetime"])
    expect(f"{label}: datetime is the row's time in UTC, truncated to microseconds",
           parsed.utcoffset() == datetime.timedelta(0) and
           line["datetime"] == iso7[:26] + "+00:00", (line["datetime"], iso7))
    expect(f"{label}: timestamp is datetime in microseconds since the epoch",
           type(line.get("timestamp")) is int and line["timestamp"] == micros(iso7) and
           line["timestamp"] == (parsed - EPOCH) // datetime.timedelta(microseconds=1),
           line.get("timestamp"))
    expect(f"{label}: timestamp_desc is {description}", line.get("timestamp_desc") == description)
    expect(f"{label}: every attribute is a string or a number (flat)",
           all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
               for v in line.values()), line)
    for key, value in row.items():
        if key in ("run", "exact", "time") or value is None:
            expect(f"{label}: no {key} without a value", key in ("time",) or key not in line)
            continue
        if isinstance(value, (dict, list)):
            continue  # flattened: evidence, indicators (checked below)
        expect(f"{label}: {key} as in the JSON Lines row", line.get(key) == value,
               (key, line.get(key), value))


def main():
    wmihunt, samples = sys.argv[1], sys.argv[2]
    inputs = [os.path.join(samples, d) for d in ("wmi", "sysmon", "triage")]
    if not all(os.path.isdir(d) for d in inputs):
        print(f"skipped: the samples under {samples} are missing")
        return 77

    events = lines(wmihunt, "--events", "-f", "jsonl", *inputs)
    sketch = lines(wmihunt, "--events", "-f", "timesketch", *inputs)
    expect("events: one Timesketch line per event", len(sketch) == len(events) > 0,
           (len(sketch), len(events)))
    for i, (line, row) in enumerate(zip(sketch, events)):
        label = f"event {i} ({row['detection']} {row['record_id']})"
        check_line(label, line, row["exact"]["time"], "Time Created", row)
        expect(f"{label}: the message names the detection, the finding and the host",
               row["detection"] in line["message"] and row["value"] in line["message"] and
               row["host"] in line["message"], line["message"])

    subscriptions = lines(wmihunt, "--subscriptions", "-f", "jsonl", *inputs)
    sketch = lines(wmihunt, "--subscriptions", "-f", "timesketch", *inputs)
    expected = []
    for row in subscriptions:
        expected.append((row, row["first_seen"], "First Seen"))
        if row["last_seen"] != row["first_seen"]:
            expected.append((row, row["last_seen"], "Last Seen"))
    expect("subscriptions: a First Seen line each, and a Last Seen line when seen later",
           len(sketch) == len(expected) > len(subscriptions) > 0, (len(sketch), len(expected)))
    for i, (line, (row, iso7, description)) in enumerate(zip(sketch, expected)):
        label = f"subscription line {i} ({row['host']} {row['filter'] or row['query']})"
        check_line(label, line, iso7, description, row)
        expect(f"{label}: evidence and indicators as text",
               line.get("evidence") == " ".join(f"{k}:{v}" for k, v in row["evidence"].items())
               and line.get("indicators") == (" ".join(row["indicators"]) or None), line)
        expect(f"{label}: the message names the host and the verdict",
               row["host"] in line["message"] and row["verdict"] in line["message"],
               line["message"])

    # UTC whatever --timezone says; the fields keep the zone asked for.
    zoned = lines(wmihunt, "--events", "-f", "timesketch", "--timezone", "Asia/Tokyo", *inputs)
    expect("--timezone leaves datetime and timestamp in UTC",
           [(z["datetime"], z["timestamp"]) for z in zoned] ==
           [(s["datetime"], s["timestamp"]) for s in lines(wmihunt, "--events", "-f", "timesketch",
                                                            *inputs)])
    proc = subprocess.run([wmihunt, "-f", "timesketch", inputs[0]], capture_output=True, text=True)
    expect("without --events or --subscriptions: exit 2, saying why",
           proc.returncode == 2 and "--format timesketch writes a timeline" in proc.stderr,
           proc.stderr)
    with tempfile.TemporaryDirectory() as work:
        part = os.path.join(work, "events.jsonl")
        subprocess.run([wmihunt, "-q", "--events", "-f", "jsonl", "-o", part, *inputs])
        merged = subprocess.run([wmihunt, "merge", "-q", "-f", "timesketch", part],
                                capture_output=True, text=True).stdout
        direct = subprocess.run([wmihunt, "-q", "--events", "-f", "timesketch", *inputs],
                                capture_output=True, text=True).stdout
        expect("merge writes the same Timesketch lines", merged == direct and merged != "")

    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
