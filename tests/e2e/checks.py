"""Named checks for the end-to-end scripts: each prints ok or FAIL, failures are counted."""
import os

SKIPPED = 77  # CTest's SKIP_RETURN_CODE for these scripts

failures = []


def expect(name, condition, detail=""):
    """Records one check; on failure prints `detail` (cut to 3000 characters) indented."""
    print(("ok   " if condition else "FAIL ") + name)
    if not condition:
        failures.append(name)
        if detail:
            print("     " + str(detail)[:3000].replace("\n", "\n     "))


def samples_absent(samples):
    """True, after saying so, when the shared samples folder is not beside the checkout."""
    if os.path.isdir(samples):
        return False
    print(f"SKIP: {samples} is absent (../shared/evtx-samples is not beside the checkout)")
    return True
