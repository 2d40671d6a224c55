#!/usr/bin/env python3
"""What wmihunt does when its output is a terminal: width, bold titles, NO_COLOR,
the progress line and -q. Runs the binary on a pseudo-terminal (Python's pty module).

usage: terminal.py WMIHUNT SAMPLES
Exit 77 when SAMPLES is absent.
"""
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

from checks import SKIPPED, expect, failures, samples_absent



def on_terminal(args, columns=80, env_extra=None, stderr_tty=True):
    """Runs with stdout (and stderr) on a pty of `columns` columns; returns (code, bytes)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.ONLCR  # keep the program's own line ends
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(env_extra or {})
    proc = subprocess.Popen(args, stdout=slave, stderr=slave if stderr_tty else subprocess.DEVNULL,
                            env=env)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the program closed its side
            break
        if not chunk:
            break
        data += chunk
    os.close(master)
    return proc.wait(), data


def main():
    wmihunt, samples = sys.argv[1], sys.argv[2]
    if samples_absent(samples):
        return SKIPPED
    server = os.path.join(samples, "wmi", "Server2022-APTSimulatorVM_WMI-Activity.evtx")
    rathbun = os.path.join(samples, "wmi", "Win10-RathbunVM_WMI-Activity.evtx")

    # Times, hosts and counts are never cut and free text not below 16 characters (32
    # for the column that tells rows apart): these tables fit 120 columns, not 80.
    code, data = on_terminal([wmihunt, "--no-default-exclusions", server, rathbun], columns=120)
    text = data.decode("utf-8")
    table_lines = [l for l in text.split("\n") if l and not l.startswith("\x1b[1m") and "wmihunt:" not in l]
    expect("tables fit a 120-column terminal",
           code == 1 and table_lines and all(len(l) <= 120 for l in table_lines), table_lines)
    expect("long cells are cut with a visible marker", "…" in text, text)
    expect("titles are bold on a terminal", "\x1b[1mWMI Temporary Event Subscription" in text, text)
    expect("a progress line is rewritten in place on a terminal's stderr",
           "\r\x1b[Kwmihunt: 1/2 files" in text and "\r\x1b[Kwmihunt: 2/2 files" in text, text)
    expect("and erased before the results are printed",
           re.search(r"2/2 files[^\n]*\r\x1b\[K\x1b\[1mWMI Temporary", text) is not None, text)
    expect("the end summary follows", "wmihunt: 2 files read, 0 failed," in text, text)
    escapes = re.findall(r"\x1b[^A-Za-z]*[A-Za-z]?", text)
    expect("no other escape sequence reaches the terminal",
           set(escapes) <= {"\x1b[1m", "\x1b[0m", "\x1b[K"}, set(escapes))

    code, data = on_terminal([wmihunt, "--no-default-exclusions", server], env_extra={"NO_COLOR": "1"})
    expect("NO_COLOR: no bold", b"\x1b[1m" not in data and b"WMI Temporary Event Subscription" in data, data)

    code, data = on_terminal([wmihunt, "-q", server])
    expect("-q: no progress line and no summary", b"files" not in data and b"\x1b[K" not in data, data)

    code, data = on_terminal([wmihunt, "--width", "0", "--no-default-exclusions", server], columns=60)
    expect("--width 0: tables are not fitted to the terminal", any(len(l) > 60 for l in data.decode().split("\n")), data)

    proc = subprocess.run([wmihunt, "--no-default-exclusions", server], capture_output=True)
    expect("not a terminal: no escape sequences, no progress line",
           b"\x1b" not in proc.stdout and b"\x1b" not in proc.stderr and b"\r" not in proc.stderr,
           proc.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
