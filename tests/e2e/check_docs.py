#!/usr/bin/env python3
"""Every option that `wmihunt --help` or `wmihunt merge --help` lists is described in the
man page and the README, and both describe `wmihunt merge`.

usage: check_docs.py WMIHUNT MANPAGE README
"""
import re
import subprocess
import sys


def main():
    wmihunt, man_path, readme_path = sys.argv[1:4]
    help_text = subprocess.run([wmihunt, "--help"], capture_output=True, text=True, check=True).stdout
    merge_help = subprocess.run([wmihunt, "merge", "--help"], capture_output=True, text=True,
                                check=True).stdout
    options = sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]+|-[a-zA-Z])\b",
                                    help_text + merge_help)))
    with open(man_path, encoding="utf-8") as f:
        # roff writes a dash as \- ; compare with plain dashes.
        man = f.read().replace("\\-", "-").replace("\\fB", "").replace("\\fR", "")
    with open(readme_path, encoding="utf-8") as f:
        readme = f.read()
    missing = []
    for option in options:
        pattern = re.compile(r"(?<![\w-])" + re.escape(option) + r"(?![\w-])")
        if not pattern.search(man):
            missing.append(f"{option} is not in {man_path}")
        if not pattern.search(readme):
            missing.append(f"{option} is not in {readme_path}")
    if "wmihunt merge" not in man or "wmihunt merge" not in readme or "merge" not in help_text:
        missing.append("wmihunt merge is not described in --help, the man page and the README")
    if len(options) < 5:
        missing.append(f"only {len(options)} options found in --help: {options}")
    for line in missing:
        print(line)
    print(f"{len(options)} options checked: {' '.join(options)}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
