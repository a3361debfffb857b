#!/usr/bin/env bash
# Sender send-path benchmark: datagrams/s for 200 B and 1420 B payloads on loopback, as a ratio
# to a native sendmmsg reference measured in the same run. Not a test; takes ~1–2 minutes.
# usage: benchmarks/run-sender-bench.sh [seconds-per-run=3] [rounds=3] [sizes=200,1420]
#   BENCH_API=0   skip the end-to-end egress API runs (the Egress Lambda's client -> started sender)
#   BENCH_API_CLIENTS=N concurrent Egress calls in the API runs (default 2)
#   BENCH_API_PACKETS=N packets per Egress call (default 500; the pipeline's batches hold <= 100)
#   BENCH_LOOPS=N sender with N SO_REUSEPORT sockets/loops vs. native with N threads (default 2; 1 skips)
#   JAVA=...      JVM to use (default: java on PATH)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/benchmarks/target/sender-bench"
mkdir -p "$out"
gcc -O2 -Wall -pthread -o "$out/sendmmsg_ref" "$root/benchmarks/native/sendmmsg_ref.c"
cd "$root"
mvn -B -ntp -q -pl benchmarks -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=runtime >/dev/null
cp="$root/benchmarks/target/classes:$(cat "$out/classpath.txt")"
# The JVM runs with the production image's Netty switches (sender/pom.xml, jib jvmFlags, the one
# place they are decided): measuring with Netty's leak detector on would measure a sender nobody runs.
mapfile -t netty_flags < <(sed -n 's#.*<jvmFlag>\(-Dio\.netty\.[^<]*\)</jvmFlag>.*#\1#p' "$root/sender/pom.xml")
echo "# JVM flags from the production image: ${netty_flags[*]:-none}"
"${JAVA:-java}" -Xms256m -Xmx256m "${netty_flags[@]}" -cp "$cp" \
    com.proxylity.packetsource.benchmarks.sender.SenderSendBench \
    "$out/sendmmsg_ref" "${1:-3}" "${2:-3}" "${3:-200,1420}" 2>/dev/null | grep -v '^{"timestamp"'
