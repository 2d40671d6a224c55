#!/usr/bin/env python3
"""wmihunt.exe under Wine against the Linux build, on the shared samples and test_data.

usage: windows_fidelity.py LINUX_WMIHUNT WMIHUNT_EXE [SAMPLES_DIR] [TEST_DATA_DIR]

Every expected table (SAMPLES/expected/NAME.DETECTION[.all].csv and test_data's truth
files, as tests/e2e/sample_cases.py lists them) that the Linux build reproduces must be
reproduced by wmihunt.exe row for row, with byte-identical standard output (wmihunt.exe
writes LF line endings too). Paths are given the ways Windows users give them:
Z:\\... with backslashes (Wine's drive for /), C:\\..., relative with "..", the \\\\?\\
prefix, a path longer than MAX_PATH, a directory of %4-named logs, and a non-ASCII file
name. Every damaged sample gives the same exit status, the same output and the same
messages (paths aside) as on Linux. The views (--events, --subscriptions, --coverage), the
JSON, JSON Lines and Timesketch formats, the --report page (but the time it was made),
wmihunt merge, --allowlist, output files written whole and outputs refused where they
would write over evidence behave as on Linux, with the input paths written the Windows
way.

WINE names the Wine loader (default: wine64 on PATH, else /usr/lib/wine/wine64); the Wine
prefix is WMIHUNT_WINEPREFIX (default: a folder beside WMIHUNT_EXE). Exit 77 (skipped)
when WMIHUNT_EXE has not been built (tools/build-windows.sh builds it), the samples are
absent or Wine is missing.
"""
import csv
import difflib
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import SKIPPED, expect, failures, samples_absent  # noqa: E402
from sample_cases import fixture_cases, shared_cases  # noqa: E402


def wine_loader():
    loader = os.environ.get("WINE") or shutil.which("wine64") or "/usr/lib/wine/wine64"
    return loader if os.path.exists(loader) or shutil.which(loader) else None


LINUX, EXE = (os.path.abspath(p) for p in sys.argv[1:3])
HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else os.path.join(HERE, "../../../shared/evtx-samples"))
TEST_DATA = os.path.abspath(sys.argv[4] if len(sys.argv) > 4 else os.path.join(HERE, "../../test_data"))
WINE = wine_loader()
PREFIX = os.path.abspath(os.environ.get("WMIHUNT_WINEPREFIX") or os.path.join(os.path.dirname(EXE), "wine-prefix"))
DRIVE_C = os.path.join(PREFIX, "drive_c")
ENV = dict(os.environ, WINEPREFIX=PREFIX, WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=",
           NO_COLOR="1", TZ="UTC")


def z_path(path):
    """The Windows name of a Linux path through Wine's Z: drive (the root folder)."""
    return "Z:" + os.path.abspath(path).replace("/", "\\")


def c_path(path):
    """The Windows name of a path inside the prefix's drive_c."""
    rel = os.path.relpath(os.path.abspath(path), DRIVE_C)
    return "C:\\" + rel.replace("/", "\\")


def run_linux(args, cwd=None):
    return subprocess.run([LINUX, *args], capture_output=True, cwd=cwd, env=ENV)


def run_exe(args, cwd=None):
    return subprocess.run([WINE, EXE, *args], capture_output=True, cwd=cwd, env=ENV)


def rows(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True))


SUMMARY_TIME = re.compile(rb", [0-9]+\.[0-9] s$", re.M)


def same_messages(linux, windows, linux_paths, windows_paths):
    """stderr of the two builds, equal once paths are written the Linux way and the
    summary's elapsed time is dropped."""
    w = windows
    for lp, wp in zip(linux_paths, windows_paths):
        w = w.replace(wp.encode("utf-8"), lp.encode("utf-8"))
    return SUMMARY_TIME.sub(b"", linux) == SUMMARY_TIME.sub(b"", w)


def detections_of(run):
    proc = run(["--list-detections"])
    names = set()
    for line in proc.stdout.decode("utf-8").splitlines():
        m = re.match(r"([a-z][a-z0-9-]*): ", line)  # "NAME: Title", details indented
        if m:
            names.add(m.group(1))
    return names


def fidelity_cases(detections):
    """(expected file, arguments without the input, the input) for every truth file whose
    detection both builds list."""
    cases = [(os.path.join(TEST_DATA, name), args[:-1], inputs[0])
             for name, args, inputs in fixture_cases(os.path.dirname(TEST_DATA))]
    cases += [(os.path.join(SAMPLES, "expected", name), args[:-1], inputs[0])
              for name, args, inputs in shared_cases(SAMPLES)]
    return [(expected, ["--format", "csv", *args], path) for expected, args, path in cases
            if args[1] in detections]


def windows_to_linux(value):
    """A path wmihunt.exe wrote, as the Linux build writes it: Z:\\a\\b -> /a/b."""
    if isinstance(value, str) and value.startswith("Z:\\"):
        return value[2:].replace("\\", "/")
    if isinstance(value, list):
        return [windows_to_linux(v) for v in value]
    if isinstance(value, dict):
        return {k: windows_to_linux(v) for k, v in value.items()}
    return value


def csv_paths_as_linux(data):
    return [windows_to_linux(row) for row in rows(data)]


def json_paths_as_linux(data, lines):
    text = data.decode("utf-8")
    if lines:
        return [windows_to_linux(json.loads(line)) for line in text.splitlines() if line]
    return windows_to_linux(json.loads(text)) if text.strip() else None


def check_case(name, expected_file, args, linux_input, windows_input, cwd=None):
    """wmihunt.exe prints the Linux build's output with its exit status, and the rows of
    `expected_file` when the Linux build does. Returns the Linux run when it reproduces
    `expected_file`, else None."""
    with open(expected_file, encoding="utf-8", newline="") as f:
        expected = rows(f.read().encode("utf-8"))
    linux = run_linux([*args, linux_input])
    windows = run_exe([*args, windows_input], cwd=cwd)
    expect(f"{name}: output identical to Linux", windows.stdout == linux.stdout,
           f"got {windows.stdout[:1500]!r}\nstderr {windows.stderr[-1500:]!r}")
    expect(f"{name}: exit status {linux.returncode} as on Linux", windows.returncode == linux.returncode,
           f"got {windows.returncode}; stderr {windows.stderr[-1500:]!r}")
    if rows(linux.stdout) != expected:
        # Fixtures whose damaged records libevtx cannot read hold rows python-evtx reads
        # (tests/e2e/damaged_fixtures.py checks which): compared with Linux only.
        print(f"note {name}: the Linux build does not reproduce {os.path.basename(expected_file)}")
        return None
    expect(f"{name}: rows equal {os.path.basename(expected_file)}", rows(windows.stdout) == expected,
           f"got {windows.stdout[:1500]!r}\nstderr {windows.stderr[-1500:]!r}")
    return linux


def main():
    if not os.path.exists(EXE):
        print(f"SKIP: {EXE} is absent (tools/build-windows.sh builds it)")
        return SKIPPED
    if samples_absent(SAMPLES):
        return SKIPPED
    if WINE is None:
        print("SKIP: Wine is absent (apt-get install wine64)")
        return SKIPPED
    # One persistent wineserver serves every run. It, and the Wine services the first run
    # starts, must not hold a captured run's pipes open (that run would never end): both
    # start with their output sent nowhere.
    os.makedirs(PREFIX, exist_ok=True)
    quiet = {"env": ENV, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": False}
    subprocess.run([os.path.join(os.path.dirname(os.path.realpath(WINE)), "wineserver"), "-p"], **quiet)
    subprocess.run([WINE, EXE, "--version"], **quiet)
    try:
        return checks()
    finally:
        subprocess.run([os.path.join(os.path.dirname(os.path.realpath(WINE)), "wineserver"), "-k"],
                       env=ENV, check=False)


def same_run(name, args, linux_inputs, windows_inputs, parse=rows, cwd=None):
    """Both builds on the same inputs: equal exit status, output (parsed by `parse`, the
    input paths written the Linux way) and messages (paths aside)."""
    linux = run_linux([*args, *linux_inputs])
    windows = run_exe([*args, *windows_inputs], cwd=cwd)
    expect(f"{name}: exit status {linux.returncode} as on Linux", windows.returncode == linux.returncode,
           f"Windows {windows.returncode}: {windows.stderr[-800:]!r}")
    expect(f"{name}: output as on Linux (paths aside)", parse(windows.stdout) == parse(linux.stdout),
           f"Linux {linux.stdout[:800]!r}\nWindows {windows.stdout[:800]!r}")
    expect(f"{name}: messages as on Linux (paths aside)",
           same_messages(linux.stderr, windows.stderr, linux_inputs, windows_inputs),
           f"Linux {linux.stderr[-800:]!r}\nWindows {windows.stderr[-800:]!r}")
    return linux, windows


GENERATED = re.compile(r"generated [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}")
WINDOWS_PATH = re.compile(r"Z:\\[^<>\"]*")


def views_and_formats(log):
    """The views and output formats beyond the detection tables, on a Sysmon fixture, a
    WMI-Activity log and the triage folder (file paths in the output as on Linux)."""
    triage = os.path.join(SAMPLES, "triage")
    inputs = [os.path.join(TEST_DATA, "sysmon_wmi.evtx"), log,
              os.path.join(triage, sorted(os.listdir(triage))[0])]
    as_csv = csv_paths_as_linux
    as_json = lambda data: json_paths_as_linux(data, False)  # noqa: E731
    as_lines = lambda data: json_paths_as_linux(data, True)  # noqa: E731
    variants = [(["--subscriptions", "-f", "csv"], as_csv), (["--subscriptions", "-f", "json"], as_json),
                (["--subscriptions", "-f", "timesketch"], as_lines), (["--events", "-f", "csv"], as_csv),
                (["--events", "-f", "timesketch"], as_lines), (["--coverage", "-f", "csv"], as_csv),
                (["-f", "json"], as_json), (["-f", "jsonl"], as_lines),
                (["--subscriptions", "-f", "table", "--width", "120"], lambda data: data)]
    for path in inputs:
        for args, parse in variants:
            name = f"{os.path.basename(path)} {' '.join(args)}"
            linux, _ = same_run(name, args, [path], [z_path(path)], parse)
            expect(f"{name}: has output to compare", len(linux.stdout) > 0)
        # The HTML report, but the time it was made and the paths written the Windows way.
        reports = os.path.join(DRIVE_C, "reports")
        os.makedirs(reports, exist_ok=True)
        linux_report = os.path.join(reports, "linux.html")
        windows_report = os.path.join(reports, "windows.html")
        name = f"{os.path.basename(path)} --report"
        linux, windows = same_run(name, ["-q", "--report"], [linux_report, path],
                                  [c_path(windows_report), z_path(path)], lambda data: data)
        html = []
        for report in (linux_report, windows_report):
            with open(report, encoding="utf-8") as f:
                text = GENERATED.sub("generated TIME", f.read())
            html.append(WINDOWS_PATH.sub(lambda m: m.group(0)[2:].replace("\\", "/"), text))
        expect(f"{name}: the report as on Linux (paths aside)", html[0] == html[1] and "<html" in html[0],
               "\n".join(difflib.unified_diff(html[0].splitlines(), html[1].splitlines(), lineterm=""))[:1500])
    # An allowlist file named the Windows way drops the rows it names.
    allowlist = os.path.join(DRIVE_C, "known-good.allowlist")
    with open(allowlist, "w", encoding="utf-8") as f:
        f.write("# the lab host\nhost=WIN-FUDU2CKJOE8\n")
    linux, _ = same_run("--allowlist C:\\...", ["-f", "csv", "-d", "permanent", "--allowlist"],
                        [allowlist, log], [c_path(allowlist), z_path(log)])
    expect("--allowlist dropped rows", len(rows(linux.stdout)) == 1, linux.stdout)


def merged_runs():
    """wmihunt merge of JSON Lines that each build wrote for two logs: the same results."""
    folder = os.path.join(DRIVE_C, "merge")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    logs = [os.path.join(SAMPLES, "wmi", name) for name in sorted(os.listdir(os.path.join(SAMPLES, "wmi")))]
    for view in ([], ["--events"], ["--subscriptions"]):
        linux_parts, windows_parts = [], []
        for i, log in enumerate(logs):
            linux_part = os.path.join(folder, f"linux-{i}.jsonl")
            windows_part = os.path.join(folder, f"windows-{i}.jsonl")
            run_linux(["-q", "-f", "jsonl", *view, "-o", linux_part, log])
            windows = run_exe(["-q", "-f", "jsonl", *view, "-o", c_path(windows_part), z_path(log)])
            expect(f"-o {c_path(windows_part)} {' '.join(view)}: written",
                   windows.returncode in (0, 1) and os.path.exists(windows_part), windows.stderr)
            linux_parts.append(linux_part)
            windows_parts.append(windows_part)
        # (Counts of several detections are no one CSV table: JSON instead.)
        first = ("json", lambda d: json_paths_as_linux(d, False)) if not view else ("csv", csv_paths_as_linux)
        for fmt, parse in (first, ("jsonl", lambda d: json_paths_as_linux(d, True))):
            args = ["merge", "-f", fmt]
            name = f"merge -f {fmt} of {' '.join(view) or 'counts'}"
            linux = run_linux([*args, *linux_parts])
            windows = run_exe([*args, *(c_path(p) for p in windows_parts)])
            expect(f"{name}: exit status {linux.returncode} as on Linux", windows.returncode == linux.returncode,
                   windows.stderr[-800:])
            expect(f"{name}: output as on Linux (paths aside)",
                   len(linux.stdout) > 0 and parse(windows.stdout) == parse(linux.stdout),
                   f"Linux {linux.stdout[:600]!r}\nWindows {windows.stdout[:600]!r}")


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def output_safety(log):
    """Output files written whole, and never over evidence, under Windows names."""
    evidence = os.path.join(DRIVE_C, "safety", "Evidence")
    shutil.rmtree(os.path.dirname(evidence), ignore_errors=True)
    os.makedirs(evidence)
    copy = os.path.join(evidence, "WMI-Activity.evtx")
    shutil.copyfile(log, copy)
    before = digest(copy)
    args = ["-f", "csv", "-d", "permanent"]
    inside = os.path.join(evidence, "out.csv")
    # (name, option, the target for Windows, for Linux, the input, what the refusal says)
    refusals = [
        ("-o the input", "-o", c_path(copy), copy, copy, "it is the input"),
        ("-o the input in other letter case", "-o", c_path(copy).upper(), copy, copy, "it is the input"),
        ("-o inside the scanned folder", "-o", c_path(inside), inside, evidence, "inside the scanned folder"),
        ("--output-dir the input's folder", "--output-dir", c_path(evidence), evidence, copy,
         "the folder of the input"),
    ]
    for name, option, windows_target, linux_target, path, why in refusals:
        windows = run_exe([*args, option, windows_target, c_path(path)])
        linux = run_linux([*args, option, linux_target, path])
        expect(f"{name}: refused with exit status {linux.returncode} as on Linux",
               windows.returncode == linux.returncode == 2 and why.encode() in windows.stderr
               and b"evidence is never written to" in windows.stderr,
               f"Linux {linux.stderr[-500:]!r}\nWindows {windows.returncode} {windows.stderr[-500:]!r}")
    expect("the evidence is unchanged and alone in its folder",
           digest(copy) == before and os.listdir(evidence) == ["WMI-Activity.evtx"], os.listdir(evidence))

    # A result file under a non-ASCII name, written whole and replaced whole.
    target = os.path.join(DRIVE_C, "safety", "résultats", "permanent ÄÖ.csv")
    os.makedirs(os.path.dirname(target))
    linux = run_linux([*args, log])
    for attempt in ("new", "replaced"):
        windows = run_exe([*args, "-o", c_path(target), z_path(log)])
        with open(target, "rb") as f:
            written = f.read()
        expect(f"-o {c_path(target)} ({attempt}): the Linux build's output, no temporary left",
               windows.returncode == linux.returncode and written == linux.stdout
               and os.listdir(os.path.dirname(target)) == [os.path.basename(target)],
               f"{windows.returncode} {windows.stderr[-500:]!r} {os.listdir(os.path.dirname(target))}")
    # Written to NUL in place, never replaced; a read-only result file is refused.
    windows = run_exe([*args, "-o", "NUL", z_path(log)])
    expect("-o NUL: written in place", windows.returncode == linux.returncode and windows.stdout == b"",
           windows.stderr[-500:])
    os.chmod(target, 0o444)  # Wine shows a file without write permission as read-only
    windows = run_exe([*args, "-o", c_path(target), z_path(log)])
    os.chmod(target, 0o644)
    expect("-o a read-only file: refused before the scan",
           windows.returncode == 2 and b"cannot write" in windows.stderr, windows.stderr[-500:])


def checks():
    linux_detections = detections_of(run_linux)
    windows_detections = detections_of(run_exe)
    expect("both builds list the same detections", linux_detections == windows_detections,
           f"Linux {sorted(linux_detections)}, Windows {sorted(windows_detections)}")
    detections = linux_detections & windows_detections
    print(f"detections: {', '.join(sorted(detections))}")

    # Every expected table, inputs named through Z: with backslashes (a folder for triage).
    reproduced = {"shared": 0, "fixtures": 0}
    cases = fidelity_cases(detections)
    shared = sum(1 for expected_file, _, _ in cases if expected_file.startswith(SAMPLES))
    for expected_file, args, path in cases:
        name = os.path.relpath(expected_file, os.path.dirname(SAMPLES))
        if check_case(name, expected_file, args, path, z_path(path)) is not None:
            reproduced["shared" if expected_file.startswith(SAMPLES) else "fixtures"] += 1
    expect(f"every one of the {shared} tables of {SAMPLES}/expected reproduced ({reproduced['shared']})",
           reproduced["shared"] == shared and shared > 0)
    print(f"{reproduced['fixtures']} of the {len(cases) - shared} truth files of test_data reproduced")

    # Other ways to name one input: the Server 2022 log and its permanent table.
    log = os.path.join(SAMPLES, "wmi", "Server2022-APTSimulatorVM_WMI-Activity.evtx")
    table = os.path.join(SAMPLES, "expected", "Server2022-APTSimulatorVM_WMI-Activity.permanent.csv")
    args = ["--format", "csv", "-d", "permanent"]
    evidence = os.path.join(DRIVE_C, "evidence")
    shutil.rmtree(evidence, ignore_errors=True)
    os.makedirs(evidence)
    copy = os.path.join(evidence, os.path.basename(log))
    shutil.copyfile(log, copy)
    check_case("C:\\ path", table, args, log, c_path(copy))
    check_case("C:\\ folder", table, args, log, c_path(evidence))
    check_case("relative path with ..\\", table, args, log, "..\\wmi\\" + os.path.basename(log),
               cwd=os.path.join(SAMPLES, "expected"))
    check_case("relative path with ../", table, args, log, "../wmi/" + os.path.basename(log),
               cwd=os.path.join(SAMPLES, "expected"))
    check_case("\\\\?\\ prefix", table, args, log, "\\\\?\\" + z_path(log))
    deep = evidence
    while len(c_path(deep)) < 300:
        deep = os.path.join(deep, "a-folder-name-of-forty-characters-here-x")
    os.makedirs(deep)
    shutil.copyfile(log, os.path.join(deep, os.path.basename(log)))
    long_name = c_path(os.path.join(deep, os.path.basename(log)))
    check_case(f"a path of {len(long_name)} characters", table, args, log, long_name)
    check_case(f"a path of {len(long_name)} characters with \\\\?\\", table, args, log, "\\\\?\\" + long_name)

    # A non-ASCII name, in the table and in the messages.
    named = os.path.join(DRIVE_C, "évidence", "Журнал WMI%4Operational.evtx")
    os.makedirs(os.path.dirname(named), exist_ok=True)
    shutil.copyfile(log, named)
    linux = check_case("non-ASCII file name", table, args, log, c_path(named))
    windows = run_exe(["--format", "csv", "-d", "permanent", c_path(os.path.dirname(named))])
    expect("non-ASCII folder walked", linux is not None and windows.stdout == linux.stdout,
           windows.stderr[-1500:])
    missing = c_path(os.path.join(os.path.dirname(named), "нет.evtx"))
    windows = run_exe([missing])
    expect("a missing non-ASCII name is named in UTF-8",
           windows.returncode == 2 and f"wmihunt: error: {missing}: ".encode("utf-8") in windows.stderr,
           windows.stderr)

    # Damaged inputs: the same exit status, output and messages as on Linux.
    # (--recover on the shared samples only: the fixtures hold no recoverable records.)
    damaged = [(os.path.join(SAMPLES, "damaged", f), ([], ["--strict"], ["--recover"]))
               for f in sorted(os.listdir(os.path.join(SAMPLES, "damaged")))]
    damaged += [(os.path.join(TEST_DATA, f), ([], ["--strict"]))
                for f in sorted(os.listdir(TEST_DATA)) if f.endswith(".evtx")]
    for path, variants in damaged:
        for extra in variants:
            linux = run_linux([*extra, path])
            windows = run_exe([*extra, z_path(path)])
            name = f"{os.path.relpath(path, os.path.dirname(SAMPLES))} {' '.join(extra)}".strip()
            expect(f"{name}: exit status {linux.returncode}, output and messages as on Linux",
                   windows.returncode == linux.returncode and windows.stdout == linux.stdout
                   and same_messages(linux.stderr, windows.stderr, [path], [z_path(path)]),
                   f"Linux {linux.returncode}: {linux.stderr[-800:]!r}\n"
                   f"Windows {windows.returncode}: {windows.stderr[-800:]!r}")

    views_and_formats(log)
    merged_runs()
    output_safety(log)

    # Time zones from the bundled database.
    for zone in ("Europe/Berlin", "America/New_York", "Asia/Kolkata"):
        args = ["--format", "csv", "-d", "permanent", "--timezone", zone]
        linux = run_linux([*args, log])
        windows = run_exe([*args, z_path(log)])
        expect(f"--timezone {zone} as on Linux", linux.returncode == 1 and windows.stdout == linux.stdout,
               windows.stderr[-800:])
    windows = run_exe(["--timezone", "Mars/Olympus_Mons", z_path(log)])
    expect("an unknown zone is a usage error naming the bundled database",
           windows.returncode == 2 and b"unknown time zone" in windows.stderr and b"tzdata" in windows.stderr,
           windows.stderr)

    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
