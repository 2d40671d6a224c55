"""Named checks for the end-to-end scripts: each prints ok or FAIL, failures are counted."""

failures = []


def expect(name, condition, detail=""):
    """Records one check; on failure prints `detail` (cut to 3000 characters) indented."""
    print(("ok   " if condition else "FAIL ") + name)
    if not condition:
        failures.append(name)
        if detail:
            print("     " + str(detail)[:3000].replace("\n", "\n     "))
