"""The scan cases the tests' truth files define: test_data fixtures and the shared samples.

Each case is (name, args, inputs): wmihunt's arguments without --format, and the input
paths among them, for a truth file NAME.DETECTION[.all].csv (.all adds
--no-default-exclusions).
"""
import os
import re

TRUTH_NAME = re.compile(r"^(.+?)\.([a-z-]+)(\.all)?\.csv$")


def _case(truth_name, input_path):
    matched = TRUTH_NAME.match(truth_name)
    detection, everything = matched.group(2), matched.group(3)
    args = ["-d", detection] + (["--no-default-exclusions"] if everything else [])
    return (truth_name, args + [input_path], [input_path])


def fixture_cases(source_dir):
    """Every truth file beside a fixture in test_data/ (NAME.evtx or the folder NAME/)."""
    test_data = os.path.join(source_dir, "test_data")
    cases = []
    for name in sorted(os.listdir(test_data)):
        matched = TRUTH_NAME.match(name)
        if not matched:
            continue
        base = os.path.join(test_data, matched.group(1))
        cases.append(_case(name, base + ".evtx" if os.path.exists(base + ".evtx") else base))
    return cases


def shared_cases(samples):
    """Every ../shared/evtx-samples/expected file: INPUT is a log under wmi/ or sysmon/, or
    triage_HOST for the folder triage/HOST."""
    expected = os.path.join(samples, "expected")
    cases = []
    for name in sorted(os.listdir(expected)):
        matched = TRUTH_NAME.match(name)
        if not matched:
            continue
        stem = matched.group(1)
        if stem.startswith("triage_"):
            path = os.path.join(samples, "triage", stem[len("triage_"):])
        else:
            path = next((os.path.join(samples, d, stem + ".evtx") for d in ("wmi", "sysmon")
                         if os.path.exists(os.path.join(samples, d, stem + ".evtx"))), None)
        if path is None or not os.path.exists(path):
            raise FileNotFoundError(f"{os.path.join(expected, name)}: no input log for {stem}")
        cases.append(_case(name, path))
    return cases
