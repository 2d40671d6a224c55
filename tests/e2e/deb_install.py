#!/usr/bin/env python3
"""wmihunt's Debian package installs and runs in a fresh Debian 12 root.

usage: deb_install.py CPACK BUILD_DIR SOURCE_DIR WMIHUNT SAMPLES_DIR

Builds the package with CPACK from BUILD_DIR, makes a Debian 12 (bookworm) root with
`debootstrap --variant=minbase` from the archive this machine's apt uses
(tools/debian-mirror.sh), installs the package there with `dpkg -i` and
`apt-get -f install` (its dependencies), and runs `wmihunt --version` and scans there: a
test_data fixture (checked against its truth file), the installed allowlist, and every
SAMPLES_DIR/expected case when present, each with the same stdout and exit status as
WMIHUNT, the build tree's binary. Exit 77 (skipped) unless run as root with debootstrap.

The pristine root is cached as a tarball in $WMIHUNT_DEBOOTSTRAP_CACHE (default
~/.cache/wmihunt/debootstrap), keyed by the mirror and the Date of its bookworm
InRelease; each run unpacks it into a new folder, so the package always meets a fresh root.
"""
import csv
import glob
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from checks import SKIPPED, expect, failures
from sample_cases import fixture_cases, shared_cases

CHROOT_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root",
              "DEBIAN_FRONTEND": "noninteractive"}
FIXTURE = "multi_host.temporary.csv"


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, timeout=1800, **kwargs)


def must(argv, **kwargs):
    proc = run(argv, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}:\n"
                           f"{proc.stdout.decode(errors='replace')}{proc.stderr.decode(errors='replace')}")
    return proc.stdout.decode()


def rows_of(text):
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


def in_root(root, argv):
    return run(["chroot", root, *argv], env=CHROOT_ENV)


def pristine_root(source_dir):
    """The cached tarball of a fresh minbase root with apt's lists, made when missing."""
    mirror = must([os.path.join(source_dir, "tools", "debian-mirror.sh")]).strip()
    with urllib.request.urlopen(f"{mirror}/dists/bookworm/InRelease", timeout=60) as reply:
        release = reply.read().decode(errors="replace")
    date = next((line for line in release.splitlines() if line.startswith("Date:")), "")
    key = hashlib.sha256(f"{mirror}\n{date}".encode()).hexdigest()[:16]
    cache = os.environ.get("WMIHUNT_DEBOOTSTRAP_CACHE",
                           os.path.expanduser("~/.cache/wmihunt/debootstrap"))
    os.makedirs(cache, exist_ok=True)
    tarball = os.path.join(cache, f"bookworm-minbase-{key}.tar")
    if os.path.exists(tarball):
        print(f"root: cached {tarball} ({mirror}, {date})")
        return tarball
    print(f"root: debootstrap --variant=minbase bookworm from {mirror} ({date})")
    started = time.monotonic()
    work = tempfile.mkdtemp(dir=cache, prefix="make-")
    try:
        root = os.path.join(work, "root")
        must(["debootstrap", "--variant=minbase", "bookworm", root, mirror])
        proc = in_root(root, ["apt-get", "-q", "update"])
        if proc.returncode != 0:
            raise RuntimeError(f"apt-get update in the new root failed:\n{proc.stderr.decode()}")
        in_root(root, ["apt-get", "clean"])
        must(["tar", "-C", root, "-cf", os.path.join(work, "root.tar"), "."])
        os.replace(os.path.join(work, "root.tar"), tarball)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in glob.glob(os.path.join(cache, "bookworm-minbase-*.tar")):
        if old != tarball:
            os.remove(old)
    print(f"root: made and cached in {time.monotonic() - started:.0f} s")
    return tarball


def package_libraries(wmihunt):
    """The Debian packages that own the shared libraries WMIHUNT loads (by ldd, dpkg -S)."""
    owners = set()
    for line in must(["ldd", wmihunt]).splitlines():
        if "=>" not in line or "/" not in line.split("=>")[1]:
            continue
        path = line.split("=>")[1].split("(")[0].strip()
        real = os.path.realpath(path)
        candidates = {path, real}
        for p in list(candidates):
            candidates.add(p[4:] if p.startswith("/usr/") else "/usr" + p)
        for p in candidates:
            proc = run(["dpkg", "-S", p])
            if proc.returncode == 0:
                owners.add(proc.stdout.decode().split(":")[0])
                break
        else:
            owners.add(f"<no package owns {path}>")
    return owners


def main():
    cpack, build_dir, source_dir, wmihunt, samples = sys.argv[1:6]
    if os.geteuid() != 0 or shutil.which("debootstrap") is None:
        print("SKIP: needs root and debootstrap (tools/install-ci-deps.sh installs it)")
        return SKIPPED
    started = time.monotonic()
    tarball = pristine_root(source_dir)
    work = tempfile.mkdtemp(prefix="wmihunt-deb-")
    try:
        must([cpack, "-G", "DEB", "--config", os.path.join(build_dir, "CPackConfig.cmake"),
              "-B", os.path.join(work, "pkg")])
        debs = glob.glob(os.path.join(work, "pkg", "*.deb"))
        expect("cpack made one .deb", len(debs) == 1, debs)
        deb = debs[0]
        fields = {f: must(["dpkg-deb", "-f", deb, f]).strip()
                  for f in ("Package", "Version", "Section", "Priority", "Maintainer",
                            "Description", "Depends")}
        print(f"{os.path.basename(deb)}: Depends: {fields['Depends']}")
        for f, value in fields.items():
            expect(f"control field {f} is set", value != "")
        depends = {d.strip().split()[0] for d in fields["Depends"].split(",")}
        needed = package_libraries(wmihunt)
        expect("Depends names every package of the libraries wmihunt loads",
               needed <= depends, f"missing: {sorted(needed - depends)}")

        root = os.path.join(work, "root")
        os.mkdir(root)
        must(["tar", "-C", root, "-xf", tarball])
        expect("the fresh root has no wmihunt", not os.path.exists(os.path.join(root, "usr/bin/wmihunt")))
        shutil.copy(deb, os.path.join(root, "tmp", "wmihunt.deb"))
        first = in_root(root, ["dpkg", "-i", "/tmp/wmihunt.deb"])
        print(f"dpkg -i exited {first.returncode} (1 when dependencies are missing)")
        fix = in_root(root, ["apt-get", "-q", "-y", "--no-install-recommends", "-f", "install"])
        expect("apt-get -f install succeeds", fix.returncode == 0,
               fix.stdout.decode(errors="replace") + fix.stderr.decode(errors="replace"))
        status = in_root(root, ["dpkg-query", "-W", "-f=${Status}", "wmihunt"])
        expect("wmihunt is installed", status.stdout == b"install ok installed", status)

        version = in_root(root, ["wmihunt", "--version"])
        want_version = run([wmihunt, "--version"])
        expect("wmihunt --version runs and matches the build tree's",
               version.returncode == 0 and version.stdout == want_version.stdout
               and version.stdout.strip() != b"", version)
        print(f"in the root: {version.stdout.decode().strip()}")
        for installed, shipped in (("usr/share/wmihunt/known-benign.allowlist", "data/known-benign.allowlist"),
                                   ("usr/share/doc/wmihunt/copyright", "LICENSE"),
                                   ("usr/share/man/man1/wmihunt.1", "man/wmihunt.1")):
            path = os.path.join(root, installed)
            same = os.path.exists(path) and open(path, "rb").read() == open(os.path.join(source_dir, shipped), "rb").read()
            expect(f"/{installed} is {shipped}", same)

        # The scans: inputs copied into the root under /tmp/in, the same arguments there and here.
        cases = [c for c in fixture_cases(source_dir) if c[0] == FIXTURE]
        expect(f"test_data has {FIXTURE}", len(cases) == 1)
        name, args, inputs = cases[0]
        allowlist = os.path.join(source_dir, "data", "known-benign.allowlist")
        cases.append((f"{name} with the installed allowlist", ["--allowlist", allowlist, *args], inputs))
        if os.path.isdir(os.path.join(samples, "expected")):
            cases += shared_cases(samples)
        else:
            print(f"note: {samples}/expected is absent: the fixture only")
        copied = {}
        for _, _, paths in cases:
            for p in paths:
                if p not in copied:
                    copied[p] = f"/tmp/in/{len(copied)}/{os.path.basename(p)}"
                    target = root + copied[p]
                    os.makedirs(os.path.dirname(target))
                    (shutil.copytree if os.path.isdir(p) else shutil.copy)(p, target)
        copied[allowlist] = "/usr/share/wmihunt/known-benign.allowlist"
        rows = 0
        for name, args, _ in cases:
            inside = in_root(root, ["wmihunt", "--format", "csv", *[copied.get(a, a) for a in args]])
            here = run([wmihunt, "--format", "csv", *args])
            expect(f"{name}: same rows in the root as the build tree's wmihunt",
                   (inside.returncode, inside.stdout) == (here.returncode, here.stdout),
                   f"root: exit {inside.returncode}\n{inside.stdout.decode(errors='replace')}"
                   f"{inside.stderr.decode(errors='replace')}\nhere: exit {here.returncode}\n"
                   f"{here.stdout.decode(errors='replace')}")
            if here.returncode in (0, 1):
                rows += max(0, here.stdout.count(b"\n") - 1)
            if name == FIXTURE:
                with open(os.path.join(source_dir, "test_data", FIXTURE), encoding="utf-8", newline="") as f:
                    truth = rows_of(f.read())
                expect(f"{name}: the root's rows are the truth file's",
                       rows_of(inside.stdout.decode()) == truth, inside.stdout.decode(errors="replace"))
        expect(f"the scans printed rows ({rows})", rows > 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failures, {time.monotonic() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
