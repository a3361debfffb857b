# Sourced by the sender benchmarks' scripts (not run): builds the benchmarks module and sets
#   cp          its runtime classpath
#   JAVA        a JDK of the sender image's Java version (sender/pom.xml, sender.baseImage), else java
#   image_flags the image's runtime switches (its jvmFlags, the one place they are decided; heap and
#               direct-memory sizing excepted, a bench sizes its own heap): a Netty default that
#               differs between Java 17 and 25 cost the API path a third of its packets/s on 25 only.
#               On another Java only its -D switches apply, and a NOTE says so.
# Expects $root (the repository) to be set.
mkdir -p "$root/benchmarks/target/sender-bench"
(cd "$root" && mvn -B -ntp -q -pl benchmarks -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile="$root/benchmarks/target/sender-bench/classpath.txt" -Dmdep.includeScope=runtime >/dev/null)
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/sender-bench/classpath.txt")"
major=$("$root/bin/image-java" --major)
JAVA=${JAVA:-$("$root/bin/image-java")}
JAVA=${JAVA:-java}
running=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
mapfile -t image_flags < <(sed -n 's#.*<jvmFlag>\(-D[^<]*\|--[^<]*\)</jvmFlag>.*#\1#p' "$root/sender/pom.xml")
if [ "$running" != "$major" ]; then
    echo "# NOTE: Java $running, not the image's Java $major: only its -D switches apply (set JAVA=)"
    mapfile -t image_flags < <(printf '%s\n' "${image_flags[@]}" | grep '^-D')
fi
