#!/bin/sh
# Installs, from Debian 12's archive, what wmihunt needs to build (--runtime: only that)
# or, by default, to build and run its tests, fuzzers and fixture generator.
set -eu
usage="usage: tools/install-deps.sh [--runtime] [--lock-timeout SECONDS]"
runtime=no
lock_timeout=600
while [ $# -gt 0 ]; do
    case "$1" in
    --runtime) runtime=yes ;;
    --lock-timeout)
        [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
        lock_timeout=$2
        shift
        ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
    esac
    shift
done
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive

# Another apt-get or dpkg (unattended-upgrades, a second shell) may hold the package
# lock: wait for it rather than fail at once.
apt() {
    if ! $SUDO apt-get -o DPkg::Lock::Timeout="$lock_timeout" "$@"; then
        echo "install-deps: apt-get $1 failed; if another apt-get or dpkg held the package" \
             "lock for more than $lock_timeout s, let it finish (or raise --lock-timeout)" \
             "and run this again" >&2
        exit 1
    fi
}

build="g++ cmake make pkg-config \
    libevtx-dev libbfio-dev libcli11-dev libfmt-dev libpcre2-dev libxxhash-dev \
    nlohmann-json3-dev libhowardhinnant-date-dev tzdata zlib1g-dev libdeflate-dev libtbb-dev \
    libmimalloc-dev libkainjow-mustache-dev"
# python3-yaml: the Velociraptor artifact's test (contrib.velociraptor_artifact) reads YAML.
# chromium: the HTML report's test (e2e.report_browser) loads it in a real browser.
tests="catch2 python3 python3-evtx python3-yaml libevtx-utils clang libclang-rt-14-dev chromium"
packages=$build
if [ "$runtime" = no ]; then packages="$build $tests"; fi

apt update -qq
# shellcheck disable=SC2086 # the lists are words
apt install -y -qq --no-install-recommends $packages >/dev/null
if [ "$runtime" = yes ]; then
    echo "install-deps: what wmihunt needs to build is installed"
else
    echo "install-deps: build and test dependencies are installed"
fi
