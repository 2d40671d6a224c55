#!/bin/sh
# Builds build-static/wmihunt, a fully static Linux x86-64 executable (one file to copy onto
# an analysis workstation), from this checkout on Debian 12 with tools/install-deps.sh run.
#
# Debian ships static archives of libevtx, libbfio, PCRE2, libdeflate, xxHash and zlib, and
# fmt is used header-only. oneTBB and date-tz (libhowardhinnant-date) ship only as shared
# libraries: their Debian sources (the versions installed here, from the archive this
# machine's apt uses) are fetched with apt-get source into build-static/deps and built as
# static libraries there. mimalloc is left out (WMIHUNT_MIMALLOC=OFF, glibc's malloc):
# replacing malloc inside a static glibc collides with libc.a's own allocator.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
out=build-static
deps=$top/$out/deps
prefix=$deps/prefix
jobs=${WMIHUNT_JOBS:-$(nproc)}

# The sources of the installed development packages, fetched once into $deps/src.
src_version() { dpkg-query -W -f='${source:Package}=${source:Version}' "$1"; }
tbb_src=$(src_version libtbb-dev)
date_src=$(src_version libhowardhinnant-date-dev)
stamp="$tbb_src $date_src"
if [ ! -f "$prefix/.built" ] || [ "$(cat "$prefix/.built")" != "$stamp" ]; then
    rm -rf "$deps"
    mkdir -p "$deps/apt/lists/partial" "$deps/apt/cache/archives/partial" "$deps/src"
    mirror=$(tools/debian-mirror.sh)
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main" \
        >"$deps/apt/sources.list"
    # A private apt state: the machine's own apt configuration and lists stay untouched.
    set -- -o Dir::Etc::SourceList="$deps/apt/sources.list" -o Dir::Etc::SourceParts="$deps/apt/none" \
        -o Dir::State::Lists="$deps/apt/lists" -o Dir::Cache="$deps/apt/cache" \
        -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)"
    echo "build-static: fetching $tbb_src and $date_src from $mirror"
    apt-get "$@" -qq update
    (cd "$deps/src" && apt-get "$@" -qq source "$tbb_src" "$date_src" >/dev/null)
    tbb_dir=$(find "$deps/src" -maxdepth 1 -type d -name 'onetbb-*' | head -n 1)
    date_dir=$(find "$deps/src" -maxdepth 1 -type d -name 'howardhinnant-date-*' | head -n 1)

    echo "build-static: building static oneTBB and date-tz"
    cmake -S "$tbb_dir" -B "$deps/build-tbb" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
        -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF \
        -DTBB_ENABLE_IPO=OFF -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib >/dev/null
    nice cmake --build "$deps/build-tbb" -j"$jobs" >/dev/null
    cmake --install "$deps/build-tbb" >/dev/null
    cmake -S "$date_dir" -B "$deps/build-date" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
        -DBUILD_TZ_LIB=ON -DUSE_SYSTEM_TZ_DB=ON -DENABLE_DATE_TESTING=OFF \
        -DCMAKE_POSITION_INDEPENDENT_CODE=OFF -DCMAKE_INSTALL_PREFIX="$prefix" \
        -DCMAKE_INSTALL_LIBDIR=lib >/dev/null
    nice cmake --build "$deps/build-date" -j"$jobs" >/dev/null
    cmake --install "$deps/build-date" >/dev/null
    printf '%s\n' "$stamp" >"$prefix/.built"
fi

cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=Release -DWMIHUNT_STATIC=ON -DWMIHUNT_MIMALLOC=OFF \
    -DWMIHUNT_BUILD_TESTS=OFF -DWMIHUNT_BUILD_EVTXGEN=OFF -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
nice cmake --build "$out" -j"$jobs" --target wmihunt
file "$out/wmihunt"
