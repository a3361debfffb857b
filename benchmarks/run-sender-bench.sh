#!/usr/bin/env bash
# Sender send-path benchmark: datagrams/s for 200 B and 1420 B payloads on loopback, as a ratio
# to a native sendmmsg reference measured in the same run. Not a test; takes ~1–2 minutes.
# usage: benchmarks/run-sender-bench.sh [seconds-per-run=3] [rounds=3] [sizes=200,1420]
#   BENCH_API=0   skip the end-to-end egress API runs (the Egress Lambda's client -> started sender)
#   BENCH_API_CLIENTS=N concurrent Egress calls in the API runs (default 2)
#   BENCH_API_PACKETS=N packets per Egress call (default 500; the pipeline's batches hold <= 100)
#   BENCH_API_MAC=hmac_sha256 sign with the HMAC form instead of Poly1305 (an A/B of the MAC alone)
#   BENCH_API_SOCKETS=N Listener sockets in the API runs (default: the sender's, one per processor)
#   BENCH_LOOPS=N sender with N SO_REUSEPORT sockets/loops vs. native with N threads (default 2; 1 skips)
#   BENCH_GSO=0   the sender without UDP segmentation (every datagram its own sendmmsg entry, as native)
#   BENCH_WG=0    skip the WireGuard rows (API path to a wg Listener with a live session, against the
#                 plain API path of the same round; a wg Listener's N loops against one)
#   JAVA=...      JVM to use (default: a JDK of the sender image's Java version, else java on PATH)
#   BENCH_JVM_OPTS="..." extra JVM switches, for A/B runs
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/benchmarks/target/sender-bench"
mkdir -p "$out"
gcc -O2 -Wall -pthread -o "$out/sendmmsg_ref" "$root/benchmarks/native/sendmmsg_ref.c"
cd "$root"
. "$root/benchmarks/image-jvm.sh"
# BENCH_JVM_OPTS: extra switches for A/B runs (e.g. BENCH_JVM_OPTS="-Dio.netty.noUnsafe=false").
read -r -a extra_flags <<< "${BENCH_JVM_OPTS:-}"
echo "# JVM: $("$JAVA" -version 2>&1 | head -1); image switches: ${image_flags[*]:-none}; extra: ${extra_flags[*]:-none}"
"$JAVA" -Xms256m -Xmx256m "${image_flags[@]}" "${extra_flags[@]}" -cp "$cp" \
    com.proxylity.packetsource.benchmarks.sender.SenderSendBench \
    "$out/sendmmsg_ref" "${1:-3}" "${2:-3}" "${3:-200,1420}" 2>/dev/null | grep -v '^{"timestamp"'
