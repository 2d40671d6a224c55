#!/bin/sh
# Prints the archive URI this machine's apt uses for Debian 12 (bookworm) main: the first
# "deb" entry for suite bookworm with component main in /etc/apt/sources.list and
# /etc/apt/sources.list.d (one-line and deb822 formats). Exits 1 with a message if none.
set -eu
etc=${APT_ETC:-/etc/apt}
files=
for f in "$etc/sources.list" "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
    if [ -f "$f" ]; then files="$files $f"; fi
done
uri=
if [ -n "$files" ]; then
    # shellcheck disable=SC2086 # the file names hold no blanks (apt's own naming rules)
    uri=$(awk '
        function flush() {
            if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ / bookworm / && (" " comps " ") ~ / main /) {
                split(uris, u, " "); print u[1]; found = 1; exit
            }
            types = ""; uris = ""; suites = ""; comps = ""
        }
        FNR == 1 { flush() }
        /^[ \t]*#/ { next }
        FILENAME ~ /\.sources$/ {
            if ($0 ~ /^[ \t]*$/) { flush(); next }
            key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
            if (key == "types") types = $0
            else if (key == "uris") uris = $0
            else if (key == "suites") suites = $0
            else if (key == "components") comps = $0
            next
        }
        $1 == "deb" {
            i = 2
            if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
            rest = ""
            for (j = i + 2; j <= NF; j++) rest = rest " " $j
            if ($(i + 1) == "bookworm" && (rest " ") ~ / main /) { print $i; found = 1; exit }
        }
        END { if (!found) flush() }
    ' $files)
fi
if [ -z "$uri" ]; then
    echo "debian-mirror: no apt source for bookworm main in $etc/sources.list or $etc/sources.list.d" >&2
    exit 1
fi
printf '%s\n' "${uri%/}"
