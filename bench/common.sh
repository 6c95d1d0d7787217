# bench/common.sh: what run.sh and cluster.sh share, sourced by both after they set their counts:
# paths, timeouts, Kafka's JVM flags, log/die, the checks before a run and the build step.
# The caller sets BENCH_SCRIPT (its name, for log lines) first; BROKERS, PHASE_TIMEOUT_S,
# START_TIMEOUT_S and UPDATE_DOCS keep values the caller or the environment gave them.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
WORK="$HERE/work"
LIB="$HERE/kafka/target/lib"
KAFKA_VERSION=4.4.0

BROKERS="${BROKERS:-kafka runnel}"
PHASE_TIMEOUT_S="${PHASE_TIMEOUT_S:-180}"
START_TIMEOUT_S="${START_TIMEOUT_S:-120}"
UPDATE_DOCS="${UPDATE_DOCS:-1}"
CLK_TCK="$(getconf CLK_TCK)"

# Kafka's JVM flags (kafka-run-class.sh); the perf tools run with -Xmx512m as kafka-*-perf-test.sh do.
JVM_PERF="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true"
LOG4J="-Dlog4j2.configurationFile=$HERE/kafka/log4j2.properties"
CLIENT_JVM="-Xmx512m $JVM_PERF $LOG4J"
CP="$LIB/*"

log() { echo "$BENCH_SCRIPT: $*" >&2; }
die() { log "$*"; exit 1; }
free_ports() {  # free_ports N: N distinct free TCP ports on 127.0.0.1
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

for tool in java mvn python3; do command -v "$tool" >/dev/null || die "$tool is needed"; done
if [ -e "$WORK" ]; then
  die "$WORK exists: run.sh or cluster.sh is running, or a run was killed (remove it, after checking no broker of it runs)"
fi

# ---- build ----------------------------------------------------------------------------------
if ! ls "$LIB"/kafka_2.13-"$KAFKA_VERSION".jar "$LIB"/kafka-tools-"$KAFKA_VERSION".jar >/dev/null 2>&1; then
  log "fetching Apache Kafka $KAFKA_VERSION jars (bench/kafka/pom.xml)"
  (cd "$HERE/kafka" && mvn -B -q package) || die "mvn package in bench/kafka failed"
fi
case " $BROKERS " in *" runnel "*)
  log "building Runnel if needed (bin/runnel)"
  "$ROOT/bin/runnel" --version >/dev/null || die "building Runnel failed";;
esac
