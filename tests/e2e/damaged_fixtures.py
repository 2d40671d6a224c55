#!/usr/bin/env python3
"""Every damaged fixture of test_data/: wmihunt ends normally (status below 128) and, when
the fixture's damage costs or risks records, one warning names the file and the damage,
with and without the chunk screen.

usage: damaged_fixtures.py WMIHUNT TEST_DATA_DIR
"""
import glob
import os
import subprocess
import sys

# Fixtures whose "damage" loses nothing and is normal in collected logs
# (test_data/README.md): a dirty flag, and garbage in a chunk's unused slack space.
NOT_DAMAGE = {"damaged_dirty.evtx", "damaged_slack_garbage.evtx"}
# Records that libevtx never returns from a sound chunk are counted against the chunk
# headers only where the screen reads chunks one by one, not with --no-screen.
SCREEN_ONLY = {"damaged_record_size_copy.evtx"}
# What the warning must say, from how evtxgen damaged each fixture (test_data/README.md).
EXPECTED = {
    "damaged_chunk_data_crc.evtx": "1 chunk with a bad magic or CRC",
    "damaged_chunk_header_crc.evtx": "1 chunk with a bad magic or CRC",
    "damaged_chunk_magic.evtx": "1 chunk with a bad magic or CRC",
    "damaged_header_crc.evtx": "the file header's CRC is wrong",
    "damaged_truncated.evtx": "the file ends inside its last chunk",
    "damaged_template_value_count.evtx": "1 chunk not given to libevtx",
}


def main():
    wmihunt, test_data = sys.argv[1], sys.argv[2]
    fixtures = sorted(glob.glob(os.path.join(test_data, "damaged_*.evtx")))
    if not fixtures:
        print(f"SKIP: no damaged_*.evtx in {test_data}")
        return 77
    failures = 0
    for path in fixtures:
        name = os.path.basename(path)
        for extra in ([], ["--no-screen"]):
            # The fixtures are WMI-Activity logs: with only the detections that read them,
            # the damage warning is the one line on stderr (no missing-source warning).
            proc = subprocess.run([wmihunt, "-q", "-d", "temporary", "-d", "permanent", *extra, path],
                                  capture_output=True, timeout=300)
            err = proc.stderr.decode("utf-8", "replace")
            warned = f"wmihunt: warning: {path}: damaged: " in err
            ok = 0 <= proc.returncode < 128 and proc.returncode != 2
            if name in NOT_DAMAGE or (extra and name in SCREEN_ONLY):
                ok = ok and not warned
            else:
                ok = ok and warned and EXPECTED.get(name, "") in err and len(err.splitlines()) == 1
            print(("ok   " if ok else "FAIL ") + f"{name} {' '.join(extra)}: status {proc.returncode}; {err.strip()}")
            failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
