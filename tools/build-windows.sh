#!/bin/sh
# build-windows: cross-builds build-windows/wmihunt.exe, a static 64-bit Windows executable,
# from Debian 12's own source packages of the libraries it links (mingw-w64, no download
# from anywhere but Debian's archive).
#
# The libraries are built once into $WMIHUNT_WINDOWS_DEPS/<key> (default
# /var/cache/wmihunt/windows-deps), <key> naming their Debian source versions, the
# compiler's version and this recipe's revision; a later run finds them there and only
# builds wmihunt. With no such folder it builds them from scratch (about 25 minutes on
# two cores), resuming a build that was stopped halfway.
#
# Usage: tools/build-windows.sh [--install-tools]
#   --install-tools  first installs the cross-compiler and Wine from Debian (apt-get).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
host=x86_64-w64-mingw32
jobs=${WMIHUNT_JOBS:-$(nproc)}
# Bumped whenever the way the libraries are built changes, so that a cache is not reused.
recipe=1
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive

say() { echo "build-windows: $*"; }

if [ "${1:-}" = --install-tools ]; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends g++-mingw-w64-x86-64-posix \
        gcc-mingw-w64-x86-64-posix mingw-w64-tools dpkg-dev xz-utils wine64 \
        libkainjow-mustache-dev >/dev/null
fi
for tool in $host-gcc-posix $host-g++-posix dpkg-source cmake make; do
    if ! command -v "$tool" >/dev/null; then
        say "$tool is missing: run tools/build-windows.sh --install-tools" >&2
        exit 2
    fi
done

# apt-get source needs a deb-src entry; Debian's sources come from the same archive.
if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d; then
    say "adding a deb-src entry for Debian 12 (/etc/apt/sources.list.d/wmihunt-deb-src.sources)"
    printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' \
        'Suites: bookworm bookworm-updates' 'Components: main' \
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
        $SUDO tee /etc/apt/sources.list.d/wmihunt-deb-src.sources >/dev/null
    $SUDO apt-get update -qq
fi

# The source packages: libevtx (with its libyal libraries, libbfio among them), libbfio
# (its public headers only: libevtx's own copy is what gets linked), PCRE2, libdeflate,
# xxHash, fmt, oneTBB, the date library (tz.cpp), the IANA time zone database, and CLDR's
# table of Windows time zone names (for the local zone; its version is the key's).
sources="libevtx libbfio pcre2 libdeflate xxhash fmtlib onetbb howardhinnant-date tzdata
    unicode-cldr-core"
# Header-only libraries come from the installed Debian -dev packages.
headers="libcli11-dev nlohmann-json3-dev"

dsc_of() { apt-get source --print-uris -qq "$1" | awk '$2 ~ /\.dsc$/ {print $2; exit}'; }
manifest=""
for package in $sources; do
    dsc=$(dsc_of "$package")
    if [ -z "$dsc" ]; then
        say "no Debian source package $package (is the deb-src entry usable?)" >&2
        exit 2
    fi
    manifest="$manifest$dsc
"
done
for package in $headers; do
    manifest="$manifest$package $(dpkg-query -W -f='${Version}' "$package")
"
done
manifest="$manifest$($host-g++-posix -dumpfullversion) recipe $recipe
"
key=$(printf '%s' "$manifest" | sha256sum | cut -c1-16)
cache=${WMIHUNT_WINDOWS_DEPS:-/var/cache/wmihunt/windows-deps}
deps=$cache/$key

if [ -f "$deps/complete" ]; then
    say "reusing the libraries in $deps"
else
    say "building the libraries into $deps"
    start=$(date +%s)
    $SUDO mkdir -p "$cache"
    $SUDO chown "$(id -u):$(id -g)" "$cache"
    stage=$deps.partial
    src=$stage/src
    mkdir -p "$src" "$stage/include" "$stage/lib/pkgconfig" "$stage/share/cmake"
    printf '%s' "$manifest" >"$stage/manifest"
    export PKG_CONFIG_LIBDIR="$stage/lib/pkgconfig" PKG_CONFIG_PATH=
    export CFLAGS="-O2" CXXFLAGS="-O2"
    cmake_build() { # source dir, build dir, options...
        s=$1 b=$2
        shift 2
        cmake -S "$s" -B "$b" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" \
            -DWMIHUNT_WINDOWS_DEPS="$stage" -DCMAKE_BUILD_TYPE=Release \
            -DCMAKE_INSTALL_PREFIX="$stage" -DBUILD_SHARED_LIBS=OFF "$@" >"$b.log" 2>&1 ||
            { tail -30 "$b.log" >&2; exit 1; }
        nice -n 5 cmake --build "$b" -j"$jobs" >>"$b.log" 2>&1 || { tail -30 "$b.log" >&2; exit 1; }
        cmake --install "$b" >>"$b.log" 2>&1 || { tail -30 "$b.log" >&2; exit 1; }
    }
    unpack() { # package: unpacks its source (with Debian's patches) into $src/<package>
        rm -rf "$src/$1" "$src/$1.dl"
        mkdir -p "$src/$1.dl"
        (cd "$src/$1.dl" && apt-get source -qq "$1" >/dev/null 2>&1) ||
            { say "apt-get source $1 failed" >&2; exit 1; }
        mv "$(find "$src/$1.dl" -mindepth 1 -maxdepth 1 -type d | head -n 1)" "$src/$1"
        rm -rf "$src/$1.dl"
    }
    version_of() { # source package: its upstream version
        dsc_of "$1" | sed "s/^$1_//; s/^[0-9]*://; s/-[^-]*\.dsc\$//"
    }
    write_pc() { # name, version, library flags[, more compiler flags]: a pkg-config file
        printf '%s\n' "prefix=$stage" "Name: $1" "Description: $1" "Version: $2" \
            "Cflags: -I\${prefix}/include ${4:-}" "Libs: -L\${prefix}/lib $3" \
            >"$stage/lib/pkgconfig/$1.pc"
    }
    step() { # name: true when the step still has to run
        if [ -f "$stage/done.$1" ]; then return 1; fi
        say "  $1"
        return 0
    }

    if step libevtx; then
        unpack libevtx
        # The libyal sources name Windows headers in the SDK's case; mingw's are lowercase.
        mkdir -p "$src/winheaders"
        for name in Synchapi Processthreadsapi Threadpoolapiset; do
            lower=$(echo "$name" | tr 'A-Z' 'a-z')
            echo "#include <$lower.h>" >"$src/winheaders/$name.h"
        done
        # Debian's patches touch configure.ac: date the autotools inputs back, so that make
        # uses the shipped configure and Makefile.in instead of running automake.
        (cd "$src/libevtx" && find . \( -name configure.ac -o -name Makefile.am -o -name '*.m4' \) \
            -exec touch -d 2000-01-01 {} +)
        (cd "$src/libevtx" &&
            CC=$host-gcc-posix CPPFLAGS="-I$src/winheaders" ./configure --host=$host \
                --prefix="$stage" --enable-static --disable-shared --disable-nls \
                --enable-python=no --enable-python2=no --enable-python3=no >../libevtx.log 2>&1 &&
            for dir in include common libcerror libcthreads libcdata libclocale libcnotify \
                libcsplit libuna libcfile libcpath libbfio libfcache libfdata libfdatetime \
                libfguid libfvalue libfwevt libfwnt libevtx; do
                nice -n 5 make -j"$jobs" -C "$dir" >>../libevtx.log 2>&1 || exit 1
            done &&
            make -C libevtx install >>../libevtx.log 2>&1 &&
            make -C include install >>../libevtx.log 2>&1 &&
            cp libevtx.pc "$stage/lib/pkgconfig/") || { tail -30 "$src/libevtx.log" >&2; exit 1; }
        touch "$stage/done.libevtx"
    fi
    if step libbfio; then
        unpack libbfio
        cp "$src/libbfio/include/libbfio.h" "$stage/include/"
        mkdir -p "$stage/include/libbfio"
        cp "$src/libbfio/include/libbfio/"*.h "$stage/include/libbfio/"
        # HAVE_LIBBFIO makes libevtx.h declare its libbfio functions on Windows too.
        write_pc libbfio "$(version_of libbfio)" "" -DHAVE_LIBBFIO
        touch "$stage/done.libbfio"
    fi
    if step pcre2; then
        unpack pcre2
        cmake_build "$src/pcre2" "$src/pcre2-build" -DPCRE2_BUILD_PCRE2GREP=OFF \
            -DPCRE2_BUILD_TESTS=OFF -DPCRE2_SUPPORT_JIT=ON -DPCRE2_BUILD_PCRE2_16=OFF
        touch "$stage/done.pcre2"
    fi
    if step libdeflate; then
        unpack libdeflate
        # libdeflate 1.14 builds with its Makefile; for mingw it names the static library
        # libdeflatestatic.lib.
        nice -n 5 make -C "$src/libdeflate" -j"$jobs" CC=$host-gcc-posix AR=$host-ar \
            libdeflatestatic.lib >"$src/libdeflate.log" 2>&1 ||
            { tail -30 "$src/libdeflate.log" >&2; exit 1; }
        cp "$src/libdeflate/libdeflatestatic.lib" "$stage/lib/libdeflate.a"
        cp "$src/libdeflate/libdeflate.h" "$stage/include/"
        write_pc libdeflate "$(version_of libdeflate)" -ldeflate
        touch "$stage/done.libdeflate"
    fi
    if step xxhash; then
        unpack xxhash
        nice -n 5 make -C "$src/xxhash" CC=$host-gcc-posix AR=$host-ar libxxhash.a \
            >"$src/xxhash.log" 2>&1 || { tail -30 "$src/xxhash.log" >&2; exit 1; }
        cp "$src/xxhash/libxxhash.a" "$stage/lib/"
        cp "$src/xxhash/xxhash.h" "$stage/include/"
        write_pc libxxhash "$(version_of xxhash)" -lxxhash
        touch "$stage/done.xxhash"
    fi
    if step fmtlib; then
        unpack fmtlib
        cmake_build "$src/fmtlib" "$src/fmtlib-build" -DFMT_TEST=OFF -DFMT_DOC=OFF
        touch "$stage/done.fmtlib"
    fi
    if step onetbb; then
        unpack onetbb
        cmake_build "$src/onetbb" "$src/onetbb-build" -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF \
            -DTBB_STRICT=OFF -DTBBMALLOC_BUILD=OFF -DTBB_ENABLE_IPO=OFF
        touch "$stage/done.onetbb"
    fi
    if step howardhinnant-date; then
        unpack howardhinnant-date
        # No download at run time and no system tzdata on Windows: wmihunt.exe reads the
        # text database installed beside it (tzdata/).
        cmake_build "$src/howardhinnant-date" "$src/date-build" -DBUILD_TZ_LIB=ON \
            -DUSE_SYSTEM_TZ_DB=OFF -DMANUAL_TZ_DB=ON -DENABLE_DATE_TESTING=OFF
        touch "$stage/done.howardhinnant-date"
    fi
    if step tzdata; then
        unpack tzdata
        mkdir -p "$stage/share/tzdata"
        for zone in africa antarctica asia australasia backward etcetera europe northamerica \
            southamerica version; do
            cp "$src/tzdata/$zone" "$stage/share/tzdata/"
        done
        touch "$stage/done.tzdata"
    fi
    if step unicode-cldr-core; then
        # Debian's archive keeps this one as its binary package (data only).
        mkdir -p "$src/cldr"
        (cd "$src/cldr" && apt-get download -qq unicode-cldr-core >/dev/null 2>&1 &&
            dpkg-deb --fsys-tarfile unicode-cldr-core_*.deb |
            tar -x ./usr/share/unicode/cldr/common/supplemental/windowsZones.xml) ||
            { say "apt-get download unicode-cldr-core failed" >&2; exit 1; }
        cp "$src/cldr/usr/share/unicode/cldr/common/supplemental/windowsZones.xml" \
            "$stage/share/tzdata/"
        touch "$stage/done.unicode-cldr-core"
    fi
    if step headers; then
        cp -r /usr/include/CLI /usr/include/nlohmann "$stage/include/"
        cp -r /usr/share/cmake/CLI11 /usr/share/cmake/nlohmann_json "$stage/share/cmake/"
        touch "$stage/done.headers"
    fi
    rm -rf "$src"
    # The .pc files name their prefix: make them name the final folder.
    grep -rl "$stage" "$stage/lib" "$stage/share" 2>/dev/null | while read -r file; do
        sed -i "s|$stage|$deps|g" "$file"
    done
    touch "$stage/complete"
    rm -rf "$deps"
    mv "$stage" "$deps"
    say "libraries built in $(($(date +%s) - start)) s"
fi

# Header-only libraries the cached folder does not hold come from their installed Debian
# packages into this build's own folder (so that the cache and its key stay as they are):
# kainjow's mustache, for --report. -isystem makes it a system header, as /usr/include is
# on Linux: its own warnings are not wmihunt's (and CI turns warnings into errors).
mustache=/usr/include/kainjow/mustache.hpp
if [ ! -f "$mustache" ]; then
    say "$mustache is missing: install libkainjow-mustache-dev (or run with --install-tools)" >&2
    exit 2
fi
mkdir -p "$root/build-windows/include/kainjow"
cp "$mustache" "$root/build-windows/include/kainjow/"

cmake -S "$root" -B "$root/build-windows" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" \
    -DWMIHUNT_WINDOWS_DEPS="$deps" -DCMAKE_BUILD_TYPE=Release -DWMIHUNT_BUILD_TESTS=OFF \
    -DWMIHUNT_BUILD_EVTXGEN=OFF -DKAINJOW_MUSTACHE_INCLUDE_DIR="$root/build-windows/include" \
    -DCMAKE_CXX_FLAGS="-isystem $root/build-windows/include" >/dev/null
nice -n 5 cmake --build "$root/build-windows" -j"$jobs" --target wmihunt
say "built $root/build-windows/wmihunt.exe"
