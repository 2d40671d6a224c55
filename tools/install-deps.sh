#!/bin/sh
# Installs, from Debian 12's archive, everything wmihunt needs to build and to run its tests.
set -eu
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    g++ cmake make pkg-config \
    libevtx-dev libbfio-dev libcli11-dev libfmt-dev libpcre2-dev libxxhash-dev \
    nlohmann-json3-dev libhowardhinnant-date-dev tzdata zlib1g-dev libdeflate-dev libtbb-dev \
    libmimalloc-dev \
    catch2 python3 python3-evtx libevtx-utils \
    clang libclang-rt-14-dev >/dev/null
# The Velociraptor artifact's test (contrib.velociraptor_artifact) reads YAML.
$SUDO apt-get install -y -qq --no-install-recommends python3-yaml >/dev/null
echo "install-deps: build and test dependencies are installed"
