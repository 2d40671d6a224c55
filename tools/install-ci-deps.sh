#!/bin/sh
# Installs, from Debian 12's archive, what CI's package step needs beyond
# tools/install-deps.sh: debootstrap (the fresh Debian root the .deb is installed into),
# dpkg-dev (dpkg-shlibdeps for cpack's Depends, dpkg-source for tools/build-static.sh's
# apt-get source) and file (the static binary's check).
set -eu
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq --no-install-recommends debootstrap dpkg-dev file >/dev/null
echo "install-ci-deps: package-step dependencies are installed"
