"""The shipped data/known-benign.allowlist on test_data/vendor_subscriptions.evtx: each rule
hides its vendor's subscription and keeps the look-alike beside it.

Expected rows are read off test_data/scenarios/vendor_subscriptions.json by hand: without
the allowlist every explicit event is a row (the scenario's other events are 5857 and
5858, which no detection reports); with it, only the look-alikes remain.
Usage: shipped_allowlist.py WMIHUNT ALLOWLIST FIXTURE
"""
import csv
import io
import subprocess
import sys

from checks import expect, failures


def rows(wmihunt, detection, *args):
    done = subprocess.run([wmihunt, "-d", detection, "-f", "csv", "--csv-raw",
                           "--no-default-exclusions", *args],
                          capture_output=True, text=True, encoding="utf-8")
    table = list(csv.DictReader(io.StringIO(done.stdout)))
    return done.returncode, table, done.stderr


def main():
    wmihunt, allowlist, fixture = sys.argv[1:4]

    code, table, err = rows(wmihunt, "temporary", fixture)
    got = sorted((r["ComputerName"], r["query"], r["count"]) for r in table)
    expect("without the allowlist: HP's query, its look-alike and both CM queries are rows",
           got == [("CM-CLIENT-12", "SELECT * FROM CCM_Event", "2"),
                   ("CM-CLIENT-12", "SELECT * FROM __InstanceCreationEvent WITHIN 5 WHERE "
                                    "TargetInstance ISA 'Win32_Process'", "1"),
                   ("HP-ELITEBOOK-07", "SELECT * FROM HPBIOS_BIOSEvent", "3"),
                   ("HP-ELITEBOOK-07", "SELECT * FROM HPBIOS_BIOSEvent WHERE Name = 'x'", "1")],
           f"{got}\n{err}")
    code, table, err = rows(wmihunt, "temporary", "--allowlist", allowlist, fixture)
    got = sorted((r["ComputerName"], r["query"], r["count"]) for r in table)
    expect("with it: HP's bare BIOS event query and root\\ccm are hidden, the look-alikes kept",
           got == [("CM-CLIENT-12", "SELECT * FROM __InstanceCreationEvent WITHIN 5 WHERE "
                                    "TargetInstance ISA 'Win32_Process'", "1"),
                   ("HP-ELITEBOOK-07", "SELECT * FROM HPBIOS_BIOSEvent WHERE Name = 'x'", "1")],
           f"{got}\n{err}")

    code, table, err = rows(wmihunt, "permanent", fixture)
    got = sorted(r["consumer"] for r in table)
    expect("without the allowlist: both Dell-named consumers are rows",
           got == ['ActiveScriptEventConsumer="DellCommandPowerManagerAlertEventConsumer"',
                   'ActiveScriptEventConsumer="DellCommandPowerManagerAlertEventConsumer2"'],
           f"{got}\n{err}")
    code, table, err = rows(wmihunt, "permanent", "--allowlist", allowlist, fixture)
    got = sorted(r["consumer"] for r in table)
    expect("with it: Dell's consumer is hidden, the one with a longer name kept",
           got == ['ActiveScriptEventConsumer="DellCommandPowerManagerAlertEventConsumer2"'],
           f"{got}\n{err}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
