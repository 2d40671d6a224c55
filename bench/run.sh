#!/usr/bin/env bash
# Benchmark: generates evtxgen corpora (a triage collection, a WMI-Activity-heavy one and a
# Sysmon-heavy one) and, from ../shared/evtx-samples when present, corpora of real
# WMI-Activity and Sysmon logs copied many times; checks wmihunt's rows of all four
# detections against the truth files of the generated corpora, and screened against
# unscreened results on the real ones; times wmihunt (all four detections) against cat,
# evtxexport and, when the machine has it, the Rust evtx crate's evtx_dump over the same
# files with hyperfine; counts the records the record screen spared libevtx; and writes
# bench/RESULTS.md. Usage: bench/run.sh [WORKDIR]   (default WORKDIR: /tmp/wmihunt-bench)
# TRIAGE_SIZE, WMI_SIZE and SYSMON_SIZE (default 1G, 200M, 200M) set the generated corpus
# sizes, WMI_REAL_SIZE and SYSMON_REAL_SIZE (MiB, default 150) the real ones.
# Needs: a build in build/ (cmake -S . -B build && cmake --build build), hyperfine and
# evtxexport (apt-get install hyperfine libevtx-utils). Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/wmihunt-bench}
wmihunt=$PWD/build/wmihunt
evtxgen=$PWD/build/evtxgen
results=$PWD/bench/RESULTS.md
for tool in "$wmihunt" "$evtxgen" hyperfine evtxexport /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
mkdir -p "$work"

generate() { # profile size dir
    if [ ! -f "$3/truth.temporary.csv" ]; then
        rm -rf "$3"
        /usr/bin/time -f "bench: generated $2 $1 corpus in %e s" \
            "$evtxgen" corpus --profile "$1" --size "$2" --hosts 8 --seed 1 --out "$3"
    fi
}
triage_size=${TRIAGE_SIZE:-1G}
wmi_size=${WMI_SIZE:-200M}
sysmon_size=${SYSMON_SIZE:-200M}
triage_dir=$work/triage-$triage_size
wmi_dir=$work/wmi-$wmi_size
sysmon_dir=$work/sysmon-$sysmon_size
generate triage "$triage_size" "$triage_dir"
generate wmi "$wmi_size" "$wmi_dir"
generate sysmon "$sysmon_size" "$sysmon_dir"

# Real logs, copied until the corpus holds SIZE MiB: copy_real DIR SIZE FILE... Copies are
# byte-identical, so wmihunt reads them with --keep-duplicates, as if each were another log.
copy_real() {
    local dir=$1 size=$2
    shift 2
    [ -f "$dir/.complete" ] && return
    rm -rf "$dir"
    mkdir -p "$dir"
    local copy=0 bytes=0
    while [ "$bytes" -lt $((size * 1048576)) ]; do
        copy=$((copy + 1))
        for file in "$@"; do
            cp --sparse=never "$file" "$dir/$(basename "$file" .evtx)-$copy.evtx"
            bytes=$((bytes + $(stat -c %s "$file")))
        done
    done
    touch "$dir/.complete"
}
samples=../shared/evtx-samples
wmi_real_dir= sysmon_real_dir=
if [ -d "$samples/wmi" ] && [ -d "$samples/triage" ]; then
    wmi_real_dir=$work/wmi-real
    sysmon_real_dir=$work/sysmon-real
    copy_real "$wmi_real_dir" "${WMI_REAL_SIZE:-150}" "$samples"/wmi/*.evtx \
        "$samples/triage/Win10-APTSimulatorVM/Microsoft-Windows-WMI-Activity%4Operational.evtx"
    copy_real "$sysmon_real_dir" "${SYSMON_REAL_SIZE:-150}" "$samples"/sysmon/*.evtx \
        "$samples/triage/Win10-APTSimulatorVM/Microsoft-Windows-Sysmon%4Operational.evtx"
    # Their results: screened (both thread counts) and unscreened alike.
    for corpus in "$wmi_real_dir" "$sysmon_real_dir"; do
        python3 tests/e2e/screen_equivalence.py "$wmihunt" --all-detections-only "$corpus" \
            > "$work/equivalence.log" 2>&1 ||
            { cat "$work/equivalence.log"; echo "bench: results differ on $corpus" >&2; exit 1; }
    done
fi

# Results first: a fast wrong answer is no answer. Every truth file (each detection, with
# and without the default exclusions) against wmihunt's rows.
for corpus in "$triage_dir" "$wmi_dir" "$sysmon_dir"; do
    python3 tests/e2e/corpus_truths.py "$wmihunt" "$corpus" > "$work/truths.log" ||
        { cat "$work/truths.log"; echo "bench: wrong rows on $corpus" >&2; exit 1; }
done

json=$work/json
mkdir -p "$json"
# The Rust evtx crate's evtx_dump, the fastest full parser known, when this machine has it
# (it is not in the package archive): one thread, every record as JSON.
evtx_dump=$(command -v evtx_dump || true)
rm -f "$json"/*.json
# bench_corpus NAME DIR EVTXEXPORT_RUNS [wmihunt options...]
bench_corpus() {
    local name=$1 dir=$2 slow_runs=$3
    shift 3
    local options="$*"
    local files="find '$dir' -iname '*.evtx' -print0"
    local dump=()
    if [ -n "$evtx_dump" ]; then
        dump=(-n "evtx_dump -t1" "$files | xargs -0 -n1 '$evtx_dump' -t 1 -o json > /dev/null")
    fi
    hyperfine --warmup 2 --runs 10 --style basic --export-json "$json/$name-fast.json" \
        -n cat "$files | xargs -0 cat > /dev/null" \
        -n "wmihunt -j2" "'$wmihunt' -j2 $options '$dir' > /dev/null || [ \$? = 1 ]" \
        -n "wmihunt -j1" "'$wmihunt' -j1 $options '$dir' > /dev/null || [ \$? = 1 ]" "${dump[@]}"
    hyperfine --warmup 0 --runs "$slow_runs" --style basic --export-json "$json/$name-slow.json" \
        -n evtxexport "$files | xargs -0 -n1 evtxexport > /dev/null 2>&1 || true"
    # Peak RSS, and the end summary: records in the files, records libevtx decoded.
    /usr/bin/time -f "%M" -o "$json/$name-rss.txt" "$wmihunt" -j2 "$@" "$dir" > /dev/null \
        2> "$json/$name-summary.txt" || true
    echo "$options" > "$json/$name-options.txt"
}
bench_corpus "triage-$triage_size" "$triage_dir" 1
bench_corpus "wmi-$wmi_size" "$wmi_dir" 2
bench_corpus "sysmon-$sysmon_size" "$sysmon_dir" 2
if [ -n "$wmi_real_dir" ]; then
    bench_corpus wmi-real "$wmi_real_dir" 2 --keep-duplicates
    bench_corpus sysmon-real "$sysmon_real_dir" 2 --keep-duplicates
fi
shared=$samples/triage/Win10-APTSimulatorVM
if [ -d "$shared" ]; then
    bench_corpus shared-triage "$(cd "$shared" && pwd)" 5
fi

# The machine's own ceiling for two threads: one CPU-bound process (sha256sum of a cached
# 256 MiB file) against two at once. Two cores of a virtual machine often share a
# physical core; then no program's -j2 can reach twice its -j1.
ceiling=$work/ceiling.bin
[ -f "$ceiling" ] || head -c 256M /dev/urandom > "$ceiling"
hyperfine --warmup 1 --runs 10 --style basic --export-json "$json/ceiling.json" \
    -n one "sha256sum '$ceiling' > /dev/null" \
    -n two "sha256sum '$ceiling' > /dev/null & sha256sum '$ceiling' > /dev/null; wait"

python3 - "$json" "$results" "$triage_dir" "$wmi_dir" "$sysmon_dir" "$wmi_real_dir" \
    "$sysmon_real_dir" <<'PY'
import json, os, platform, re, subprocess, sys
json_dir, out = sys.argv[1:3]
dirs = [d for d in sys.argv[3:] if d]

def medians(name):
    values = {}
    for part in ("fast", "slow"):
        path = os.path.join(json_dir, f"{name}-{part}.json")
        for result in json.load(open(path))["results"]:
            values[result["command"]] = result["median"]
    return values

def size(path):
    return sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(path)
               for f in files if f.lower().endswith(".evtx"))

def count(path):
    return sum(1 for root, _, files in os.walk(path) for f in files if f.lower().endswith(".evtx"))

cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
mem = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
version = subprocess.run(["build/wmihunt", "--version"], capture_output=True, text=True).stdout.strip()
corpora = [(os.path.basename(d), d) for d in dirs]
shared = "../shared/evtx-samples/triage/Win10-APTSimulatorVM"
if os.path.exists(os.path.join(json_dir, "shared-triage-fast.json")):
    corpora.append(("shared-triage", shared))
dump = any("evtx_dump -t1" in medians(name) for name, _ in corpora)
lines = ["# Benchmark results", "",
         "Produced by `bench/run.sh` (medians of hyperfine runs, page cache warm). wmihunt runs "
         "all four detections. Its rows were first checked against every truth file of each "
         "generated corpus; on the corpora of real logs (wmi-real: the shared WMI-Activity "
         "logs, sysmon-real: the shared Sysmon logs, each copied until the corpus holds "
         "150 MiB, read with --keep-duplicates), screened (-j1, -j2) and unscreened results "
         "were first found identical.", "",
         f"Machine: {os.cpu_count()} cores, {cpu}, {int(mem) // 1024} MiB RAM, "
         f"Linux {platform.release()}; {version}; evtxexport from Debian libevtx-utils 20181227"
         + ("; evtx_dump (the Rust evtx crate) with one thread, JSON output." if dump else
            "; evtx_dump (the Rust evtx crate) is not on this machine: no column for it."), "",
         "| corpus | files | size | tool | median (s) | evtxexport / tool | tool / cat |",
         "|---|---|---|---|---|---|---|"]
summary = []
for name, path in corpora:
    m = medians(name)
    options = open(os.path.join(json_dir, f"{name}-options.txt")).read().strip()
    rss = open(os.path.join(json_dir, f"{name}-rss.txt")).read().split()[-1]
    counts = re.search(r"(\d+) records, (\d+) decoded",
                       open(os.path.join(json_dir, f"{name}-summary.txt")).read())
    records, decoded = int(counts.group(1)), int(counts.group(2))
    for tool in ("cat", "wmihunt -j2", "wmihunt -j1", "evtx_dump -t1", "evtxexport"):
        if tool not in m:
            continue
        shown = f"{tool} {options}" if options and tool.startswith("wmihunt") else tool
        lines.append(f"| {name} | {count(path)} | {size(path) / 2**20:.0f} MiB | {shown} | {m[tool]:.3f} | "
                     f"{m['evtxexport'] / m[tool]:.1f}x | {m[tool] / m['cat']:.2f}x |")
    line = (f"- {name}: wmihunt -j2 is {m['evtxexport'] / m['wmihunt -j2']:.1f}x faster than "
            f"evtxexport and takes {m['wmihunt -j2'] / m['cat']:.2f}x the time of cat "
            f"(-j1: {m['wmihunt -j1'] / m['cat']:.2f}x); "
            f"-j2 is {m['wmihunt -j1'] / m['wmihunt -j2']:.2f}x faster than -j1; ")
    if "evtx_dump -t1" in m:
        line += (f"wmihunt -j1 is {m['evtx_dump -t1'] / m['wmihunt -j1']:.1f}x faster than "
                 f"evtx_dump -t1; ")
    summary.append(line + f"peak RSS with -j2: {int(rss) / 1024:.1f} MiB; the record screen left "
                   f"{records - decoded:,} of {records:,} records undecoded "
                   f"({100 * (records - decoded) / max(records, 1):.1f}%), libevtx decoded {decoded:,}.")
ceiling = {r["command"]: r["median"] for r in json.load(open(os.path.join(json_dir, "ceiling.json")))["results"]}
summary.append(f"- this machine's ceiling for two threads: two CPU-bound processes at once "
               f"(sha256sum) do {2 * ceiling['one'] / ceiling['two']:.2f}x the work of one in the same time.")
lines += ["", "Summary:", ""] + summary + [""]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
