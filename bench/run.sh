#!/usr/bin/env bash
# Benchmark: generates evtxgen corpora (a triage collection, a WMI-Activity-heavy one and a
# Sysmon-heavy one), checks wmihunt's rows of all four detections against their truth
# files, times wmihunt (all four detections) against evtxexport and cat over the same files
# with hyperfine, counts the records the record screen spared libevtx, and writes
# bench/RESULTS.md. Usage: bench/run.sh [WORKDIR]   (default WORKDIR: /tmp/wmihunt-bench)
# TRIAGE_SIZE, WMI_SIZE and SYSMON_SIZE (default 1G, 200M, 200M) set the corpus sizes.
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

# Results first: a fast wrong answer is no answer. Every truth file (each detection, with
# and without the default exclusions) against wmihunt's rows.
for corpus in "$triage_dir" "$wmi_dir" "$sysmon_dir"; do
    python3 tests/e2e/corpus_truths.py "$wmihunt" "$corpus" > "$work/truths.log" ||
        { cat "$work/truths.log"; echo "bench: wrong rows on $corpus" >&2; exit 1; }
done

json=$work/json
mkdir -p "$json"
# bench_corpus NAME DIR EVTXEXPORT_RUNS [extra hyperfine commands...]
bench_corpus() {
    local name=$1 dir=$2 slow_runs=$3
    shift 3
    local files="find '$dir' -iname '*.evtx' -print0"
    hyperfine --warmup 2 --runs 10 --style basic --export-json "$json/$name-fast.json" \
        -n cat "$files | xargs -0 cat > /dev/null" \
        -n "wmihunt -j2" "'$wmihunt' -j2 '$dir' > /dev/null || [ \$? = 1 ]" \
        -n "wmihunt -j1" "'$wmihunt' -j1 '$dir' > /dev/null || [ \$? = 1 ]" "$@"
    hyperfine --warmup 0 --runs "$slow_runs" --style basic --export-json "$json/$name-slow.json" \
        -n evtxexport "$files | xargs -0 -n1 evtxexport > /dev/null 2>&1 || true"
    # Peak RSS, and the end summary: records in the files, records libevtx decoded.
    /usr/bin/time -f "%M" -o "$json/$name-rss.txt" "$wmihunt" -j2 "$dir" > /dev/null \
        2> "$json/$name-summary.txt" || true
}
bench_corpus "triage-$triage_size" "$triage_dir" 1
bench_corpus "wmi-$wmi_size" "$wmi_dir" 2
bench_corpus "sysmon-$sysmon_size" "$sysmon_dir" 2
shared=../shared/evtx-samples/triage/Win10-APTSimulatorVM
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

python3 - "$json" "$results" "$triage_dir" "$wmi_dir" "$sysmon_dir" <<'PY'
import json, os, platform, re, subprocess, sys
json_dir, out, triage_dir, wmi_dir, sysmon_dir = sys.argv[1:6]

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
lines = ["# Benchmark results", "",
         "Produced by `bench/run.sh` (medians of hyperfine runs, page cache warm). wmihunt runs "
         "all four detections; its rows were first checked against every truth file of each "
         "generated corpus.", "",
         f"Machine: {os.cpu_count()} cores, {cpu}, {int(mem) // 1024} MiB RAM, "
         f"Linux {platform.release()}; {version}; evtxexport from Debian libevtx-utils 20181227.", "",
         "| corpus | files | size | tool | median (s) | evtxexport / tool | tool / cat |",
         "|---|---|---|---|---|---|---|"]
corpora = [(os.path.basename(d), d) for d in (triage_dir, wmi_dir, sysmon_dir)]
shared = "../shared/evtx-samples/triage/Win10-APTSimulatorVM"
if os.path.exists(os.path.join(json_dir, "shared-triage-fast.json")):
    corpora.append(("shared-triage", shared))
summary = []
for name, path in corpora:
    m = medians(name)
    rss = open(os.path.join(json_dir, f"{name}-rss.txt")).read().split()[-1]
    counts = re.search(r"(\d+) records, (\d+) decoded",
                       open(os.path.join(json_dir, f"{name}-summary.txt")).read())
    records, decoded = int(counts.group(1)), int(counts.group(2))
    for tool in ("cat", "wmihunt -j2", "wmihunt -j1", "evtxexport"):
        lines.append(f"| {name} | {count(path)} | {size(path) / 2**20:.0f} MiB | {tool} | {m[tool]:.3f} | "
                     f"{m['evtxexport'] / m[tool]:.1f}x | {m[tool] / m['cat']:.2f}x |")
    summary.append(f"- {name}: wmihunt -j2 is {m['evtxexport'] / m['wmihunt -j2']:.1f}x faster than "
                   f"evtxexport and takes {m['wmihunt -j2'] / m['cat']:.2f}x the time of cat; "
                   f"-j2 is {m['wmihunt -j1'] / m['wmihunt -j2']:.2f}x faster than -j1; "
                   f"peak RSS with -j2: {int(rss) / 1024:.1f} MiB; the record screen left "
                   f"{records - decoded:,} of {records:,} records undecoded "
                   f"({100 * (records - decoded) / max(records, 1):.1f}%), libevtx decoded {decoded:,}.")
ceiling = {r["command"]: r["median"] for r in json.load(open(os.path.join(json_dir, "ceiling.json")))["results"]}
summary.append(f"- this machine's ceiling for two threads: two CPU-bound processes at once "
               f"(sha256sum) do {2 * ceiling['one'] / ceiling['two']:.2f}x the work of one in the same time.")
lines += ["", "Summary:", ""] + summary + [""]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
PY
