#!/usr/bin/env python3
"""The fully static wmihunt (tools/build-static.sh) gives the normal build's results.

usage: static_binary.py STATIC_WMIHUNT WMIHUNT SOURCE_DIR SAMPLES_DIR

For every truth file of test_data/ and, when present, of SAMPLES_DIR/expected, both
binaries scan the same input with the same options: stdout, stderr (but the elapsed time
in its summary) and exit status must be identical. `file` must call STATIC_WMIHUNT statically linked. Exit 77 (skipped) when
STATIC_WMIHUNT has not been built.
"""
import os
import re
import subprocess
import sys

from checks import SKIPPED, expect, failures
from sample_cases import fixture_cases, shared_cases


def run(binary, args):
    """Exit status, stdout, and stderr without the elapsed time that ends its summary."""
    proc = subprocess.run([binary, *args], capture_output=True, timeout=600)
    return proc.returncode, proc.stdout, re.sub(rb", [0-9.]+ s$", b"", proc.stderr, flags=re.M)


def main():
    static, normal, source_dir, samples = sys.argv[1:5]
    if not os.path.exists(static):
        print(f"SKIP: {static} is absent (tools/build-static.sh builds it)")
        return SKIPPED
    kind = subprocess.run(["file", "-b", static], capture_output=True, text=True, check=True).stdout
    expect("file says statically linked", "statically linked" in kind, kind)
    expect("same --version", run(static, ["--version"]) == run(normal, ["--version"]))

    cases = fixture_cases(source_dir)
    if os.path.isdir(os.path.join(samples, "expected")):
        cases += shared_cases(samples)
    else:
        print(f"note: {samples}/expected is absent: test_data fixtures only")
    rows = 0
    for name, args, _ in cases:
        argv = ["--format", "csv", *args]
        got, want = run(static, argv), run(normal, argv)
        expect(f"{name}: same output as the normal build", got == want,
               f"static: exit {got[0]}\n{got[1].decode(errors='replace')}{got[2].decode(errors='replace')}\n"
               f"normal: exit {want[0]}\n{want[1].decode(errors='replace')}{want[2].decode(errors='replace')}")
        if want[0] in (0, 1):
            rows += max(0, want[1].count(b"\n") - 1)
    # A comparison of empty outputs proves nothing: the cases must hold rows.
    expect(f"the {len(cases)} cases printed rows ({rows})", rows > 0)
    print(f"{len(cases)} cases, {rows} rows compared, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
