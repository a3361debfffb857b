#!/usr/bin/env bash
# Where the egress API path's CPU goes: perf (cpu-clock samples, call graphs, the JIT's symbol map)
# over the measured run of ApiPathProfile, on the sender image's Java with its runtime switches.
# usage: benchmarks/profile-api-path.sh [size=1420] [wireguard=false] [perf seconds=15]
# Writes benchmarks/target/profile/api-<size>-<wg>.data; read it with
#   perf report -i <file> --children --sort sym -g none     (inclusive shares)
#   perf report -i <file> --no-children --sort sym -g none  (self)
# BENCH_GSO=0 profiles the sender without UDP segmentation.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/benchmarks/target/profile"
mkdir -p "$out"
command -v perf >/dev/null || { echo "perf is not installed (Debian: linux-perf)" >&2; exit 2; }
cd "$root"
. "$root/benchmarks/image-jvm.sh"
size=${1:-1420}; wg=${2:-false}; secs=${3:-15}
data="$out/api-$size-$wg.data"
log="$out/api-$size-$wg.log"
"$JAVA" -Xms256m -Xmx256m "${image_flags[@]}" -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit \
    -XX:+PreserveFramePointer -cp "$cp" com.proxylity.packetsource.benchmarks.sender.ApiPathProfile \
    "$size" "$wg" 25 $((secs + 5)) > "$log" 2>/dev/null &
pid=$!
while kill -0 "$pid" 2>/dev/null && ! grep -q MEASURE "$log"; do sleep 0.5; done
sleep 1
perf record -e cpu-clock -F 1999 -g -p "$pid" -o "$data" -- sleep "$secs" >/dev/null 2>&1
wait "$pid"
grep '^{"size"' "$log"
echo "# perf data: $data"
