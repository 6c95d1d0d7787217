#!/usr/bin/env bash
# bench/cluster.sh: three-node clusters, Runnel vs real Apache Kafka 4.4.0, on this machine.
#
# Starts a three-node Kafka 4.4.0 KRaft cluster (3 combined broker+controller nodes, static
# controller.quorum.voters, storage formatted with one cluster id), measures it, stops it; then the
# same for a three-node Runnel cluster (bin/runnel server --config with the same node files). Never
# both at once: six broker JVMs on 2 cores would measure their contention. Data under bench/work/
# (shared with run.sh, so the two never run together). Writes
#   bench/results/<UTC date>-cluster-run<N>.json   every figure of both clusters (+ .log: raw tool output)
#   docs/performance.md                             the "Three-node cluster" section
# Phases (see bench/README.md): warm-up (not reported), then REPS times
#   r3  ProducerPerformance, N_R3 x 100 B, acks=all, batch.size 65536, linger.ms 5, on a fresh topic
#       with 3 partitions, RF 3, min.insync.replicas=2 (medians over the repetitions)
# and once e3 Kafka's EndToEndLatency, N_E2E x 100 B, acks=all, 1 partition RF 3 min.insync.replicas=2.
#
# Env: QUICK=1 (smoke run: small counts, 1 repetition, no warm-up, docs untouched, results/tmp/)
#      REPS (3) N_R3 (2,000,000) N_WARMUP (1,000,000; 0 = none) N_E2E (10,000)
#      BROKERS="kafka runnel" (the order they run in, or just one)   HEAP_MB (1024, every node)
#      PHASE_TIMEOUT_S (180) START_TIMEOUT_S (120) UPDATE_DOCS=0|1 (1, 0 with QUICK) KEEP_WORK=1
# Needs java 17, mvn and python3. Exit code 0 when every phase of every cluster ran ok, else 1.
set -uo pipefail

NODES=(1 2 3)

if [ "${QUICK:-0}" = 1 ]; then
  : "${REPS:=1}" "${N_R3:=200000}" "${N_WARMUP:=0}" "${N_E2E:=500}" "${UPDATE_DOCS:=0}"
fi
REPS="${REPS:-3}"
N_R3="${N_R3:-2000000}"
N_WARMUP="${N_WARMUP:-1000000}"
N_E2E="${N_E2E:-10000}"
HEAP_MB="${HEAP_MB:-1024}"

BENCH_SCRIPT=cluster.sh
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# ---- state and cleanup ----------------------------------------------------------------------
mkdir -p "$WORK/out"
PHASES="$WORK/phases.tsv"   # broker \t phase \t rc \t wall_s \t cluster_cpu_s \t raw output file \t per-node cpu_s (comma list)
META="$WORK/meta.tsv"       # broker \t key \t value
: > "$PHASES"; : > "$META"
declare -A MARK=([kafka]=kafka.Kafka [runnel]=io.runnel.cli.Main)
PIDS=()       # pids of the running cluster's nodes, node 1 first
CURRENT=""    # kafka or runnel: the cluster that runs now
BOOTSTRAP=""  # its bootstrap servers
PROBE_PID=""

# stop_cluster: SIGTERM to every node this script started (all at once), SIGKILL after 30 s (a
# Kafka node whose controlled shutdown outlives the quorum waits until then); pids that are no
# longer the broker are left alone.
stop_cluster() {
  local pid live=() deadline
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || continue
    if ! tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "${MARK[$CURRENT]}"; then
      log "pid $pid is no longer a $CURRENT node; not signalling it"; continue
    fi
    kill -TERM "$pid" && live+=("$pid")
  done
  deadline=$((SECONDS + 30))
  for pid in "${live[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do
      if [ $SECONDS -ge $deadline ]; then log "$CURRENT node (pid $pid) ignored SIGTERM; SIGKILL"; kill -KILL "$pid"; break; fi
      sleep 0.2
    done
  done
  [ ${#live[@]} -gt 0 ] && log "stopped the $CURRENT cluster (pids ${live[*]})"
  PIDS=()
}

# keep_partial: a run that ends before its report (a signal, a die) keeps the tools' output, the
# phase and meta tables and the nodes' logs in results/tmp/aborted-<run id>/, for a look at why.
REPORTED=0
keep_partial() {
  local dir="$HERE/results/tmp/aborted-${RUNID:-unknown}" f
  [ "$REPORTED" = 1 ] || [ ! -d "$WORK/out" ] && return 0
  mkdir -p "$dir"
  for f in "$WORK"/*.tsv "$WORK"/*.out "$WORK"/out/*.out "$WORK"/*/node-*.out; do
    [ -f "$f" ] && cp "$f" "$dir/$(echo "${f#"$WORK"/}" | tr / _)"
  done
  log "run ended before its report; its output is in $dir"
}

cleanup() {
  [ -n "$PROBE_PID" ] && kill "$PROBE_PID" 2>/dev/null
  stop_cluster
  keep_partial
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

meta() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$META"; }
now_ms() { date +%s%3N; }

node_ticks() {  # node_ticks PID: utime+stime of the process (all its threads), in clock ticks
  [ -r "/proc/$1/stat" ] && sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}
cluster_ticks() {  # per-node ticks, comma-separated (empty field for a node that is gone)
  local pid out=()
  for pid in "${PIDS[@]}"; do out+=("$(node_ticks "$pid")"); done
  (IFS=,; echo "${out[*]}")
}

# ---- starting a cluster -----------------------------------------------------------------------
# node_config BROKER N CLIENT_PORTS CONTROLLER_PORTS: node N's server.properties. The same keys for
# both brokers (Kafka 4.x's shipped server.properties values, replication factors for 3 nodes);
# Runnel ignores the keys it does not use (it says which at start).
node_config() {
  local broker="$1" n="$2" voters="" i
  local -a cports=($4) ports=($3)
  for i in "${NODES[@]}"; do voters="$voters${voters:+,}$i@127.0.0.1:${cports[$((i - 1))]}"; done
  cat <<EOF
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:${ports[$((n - 1))]},CONTROLLER://127.0.0.1:${cports[$((n - 1))]}
advertised.listeners=PLAINTEXT://127.0.0.1:${ports[$((n - 1))]}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$WORK/$broker/node-$n/logs
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600
num.partitions=1
num.recovery.threads.per.data.dir=1
offsets.topic.replication.factor=3
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
log.retention.hours=168
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
group.initial.rebalance.delay.ms=0
EOF
}

# start_cluster BROKER: writes the node files, (Kafka: formats the storage of all three with one
# cluster id, timed apart as format_ms), starts the startup probe, then the three nodes right after
# one another; startup_ms = first node's launch to the moment every node answered a Metadata
# request listing all three brokers.
start_cluster() {
  local broker="$1" n conf t0 cluster answered rc probe_out ports cports addrs="" all
  probe_out="$WORK/$broker-probe.out"
  read -r -a all <<< "$(free_ports 6)"
  ports="${all[*]:0:3}"; cports="${all[*]:3:3}"
  CURRENT="$broker"
  for n in "${NODES[@]}"; do
    mkdir -p "$WORK/$broker/node-$n"
    node_config "$broker" "$n" "$ports" "$cports" > "$WORK/$broker/node-$n/server.properties"
    addrs="$addrs${addrs:+,}127.0.0.1:$(echo "$ports" | cut -d' ' -f"$n")"
  done
  BOOTSTRAP="$addrs"
  if [ "$broker" = kafka ]; then
    t0="$(now_ms)"
    cluster="$(java -cp "$CP" $LOG4J kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
    for n in "${NODES[@]}"; do
      java -cp "$CP" $LOG4J kafka.tools.StorageTool format --config "$WORK/kafka/node-$n/server.properties" \
        --cluster-id "$cluster" > "$WORK/kafka/node-$n/format.out" 2>&1 || {
          cat "$WORK/kafka/node-$n/format.out" >&2; meta kafka start_error "storage format of node $n failed"; return 1; }
    done
    meta kafka format_ms "$(( $(now_ms) - t0 ))"
    meta kafka heap_opts "-Xmx${HEAP_MB}m -Xms${HEAP_MB}m"
  else
    meta runnel heap_opts "-Xmx${HEAP_MB}m"
    meta runnel commit "$(git -C "$ROOT" log -1 --format=%h -- pom.xml bin runnel-storage runnel-metadata \
      runnel-coordinator runnel-broker runnel-cli 2>/dev/null || echo unknown)"
  fi
  java -Xmx128m $JVM_PERF -cp "$CP" "$HERE/src/FirstAnsweredRequest.java" "$addrs" "$START_TIMEOUT_S" 3 \
    > "$probe_out" 2>&1 &
  PROBE_PID=$!
  until grep -q '^waiting' "$probe_out" 2>/dev/null; do
    kill -0 "$PROBE_PID" 2>/dev/null || { cat "$probe_out" >&2; die "startup probe failed"; }
    sleep 0.05
  done
  t0="$(now_ms)"
  for n in "${NODES[@]}"; do
    conf="$WORK/$broker/node-$n/server.properties"
    if [ "$broker" = kafka ]; then
      setsid java -Xmx"$HEAP_MB"m -Xms"$HEAP_MB"m $JVM_PERF $LOG4J -cp "$CP" kafka.Kafka "$conf" \
        > "$WORK/$broker/node-$n.out" 2>&1 < /dev/null &
    else
      RUNNEL_HEAP_OPTS="-Xmx${HEAP_MB}m" setsid "$ROOT/bin/runnel" server --config "$conf" \
        > "$WORK/$broker/node-$n.out" 2>&1 < /dev/null &
    fi
    PIDS+=($!)
  done
  wait "$PROBE_PID"; rc=$?
  PROBE_PID=""
  answered="$(sed -n 's/^answered_at_ms=\([0-9]*\).*/\1/p' "$probe_out")"
  for n in "${NODES[@]}"; do
    if ! kill -0 "${PIDS[$((n - 1))]}" 2>/dev/null; then rc=1; log "$broker node $n exited during startup"; fi
  done
  if [ $rc -ne 0 ] || [ -z "$answered" ]; then
    log "$broker cluster did not start: $(tail -1 "$probe_out")"
    for n in "${NODES[@]}"; do log "node $n:"; tail -15 "$WORK/$broker/node-$n.out" >&2; done
    meta "$broker" start_error "$(tail -1 "$probe_out") / node 1: $(tail -3 "$WORK/$broker/node-1.out" | tr '\t\n' '  ')"
    stop_cluster
    return 1
  fi
  meta "$broker" startup_ms "$((answered - t0))"
  meta "$broker" pids "${PIDS[*]}"
  meta "$broker" bootstrap "$BOOTSTRAP"
  meta "$broker" cpu_ticks_start "$(cluster_ticks)"
  log "$broker cluster up on $BOOTSTRAP (pids ${PIDS[*]}), every node lists 3 brokers after $((answered - t0)) ms"
}

# ---- phases -----------------------------------------------------------------------------------
kjava() { timeout -k 10 "$PHASE_TIMEOUT_S" java $CLIENT_JVM -cp "$CP" "$@"; }

# run_phase PHASE CMD...: runs one client tool against the current cluster, keeps its output, and
# records its wall time and the CPU seconds of each node meanwhile. Skipped when a node has exited.
run_phase() {
  local phase="$1"; shift
  local raw="$WORK/out/$CURRENT-$phase.out" t0 t1 c0 c1 rc pid per cpu
  for pid in "${PIDS[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "skipped: a $CURRENT node (pid $pid) has exited" > "$raw"
      meta "$CURRENT" run_error "node pid $pid exited during phase $phase or before it"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$CURRENT" "$phase" skip 0 "" "$raw" "" >> "$PHASES"
      return
    fi
  done
  log "[$CURRENT $phase] $1"
  c0="$(cluster_ticks)"; t0="$(date +%s.%N)"
  "$@" > "$raw" 2>&1; rc=$?
  t1="$(date +%s.%N)"; c1="$(cluster_ticks)"
  per="$(awk -v a="$c0" -v b="$c1" -v h="$CLK_TCK" 'BEGIN{n = split(a, x, ","); split(b, y, ",");
    for (i = 1; i <= n; i++) printf "%s%.2f", (i > 1 ? "," : ""), (y[i] - x[i]) / h}')"
  cpu="$(echo "$per" | awk -F, '{s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.2f", s}')"
  grep -E 'records/sec .*50th|Avg latency|Percentiles' "$raw" | tail -1 | sed "s/^/    /" >&2
  [ $rc -ne 0 ] && log "[$CURRENT $phase] FAILED rc=$rc: $(tail -2 "$raw" | tr '\n' ' ' | cut -c1-300)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$CURRENT" "$phase" "$rc" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')" "$cpu" "$raw" "$per" >> "$PHASES"
}

topic() { echo "bench-$RUNID-$1"; }
produce() {  # produce TOPIC N: 100 B records, acks=all, as fast as the producer goes
  kjava org.apache.kafka.tools.ProducerPerformance --bootstrap-server "$BOOTSTRAP" \
    --topic "$(topic "$1")" --num-records "$2" --record-size 100 --throughput -1 \
    --command-property acks=all batch.size=65536 linger.ms=5
}
e2e() {  # e2e TOPIC N: Kafka's EndToEndLatency, acks=all
  kjava org.apache.kafka.tools.EndToEndLatency --bootstrap-server "$BOOTSTRAP" \
    --topic "$(topic "$1")" --num-records "$2" --producer-acks all --record-size 100
}
topics() {  # topics create|delete PARTITIONS NAME...: RF 3, min.insync.replicas=2
  local action="$1" partitions="$2" names=() t; shift 2
  for t in "$@"; do names+=("$(topic "$t")"); done
  if [ "$action" = create ]; then
    kjava "$HERE/src/Topics.java" create "$BOOTSTRAP" --partitions "$partitions" --replication-factor 3 \
      --config min.insync.replicas=2 "${names[@]}"
  else
    kjava "$HERE/src/Topics.java" delete "$BOOTSTRAP" "${names[@]}"
  fi
}

measure() {  # the phases against the current cluster
  local r pid n=0 t3=(w3) t1=(e3)
  for r in $(seq 1 "$REPS"); do t3+=("r3-$r"); done
  run_phase topics_create_3p topics create 3 "${t3[@]}"
  run_phase topics_create_1p topics create 1 "${t1[@]}"
  if [ "$N_WARMUP" -gt 0 ]; then
    run_phase warmup_r3 produce w3 "$N_WARMUP"
    run_phase warmup_e3 e2e e3 1000
  fi
  for r in $(seq 1 "$REPS"); do run_phase "r3_$r" produce "r3-$r" "$N_R3"; done
  run_phase e3 e2e e3 "$N_E2E"
  meta "$CURRENT" cpu_ticks_end "$(cluster_ticks)"
  for pid in "${PIDS[@]}"; do
    n=$((n + 1))
    if [ -r "/proc/$pid/status" ]; then
      meta "$CURRENT" "node${n}_vm_hwm_kb" "$(awk '/^VmHWM:/{print $2}' "/proc/$pid/status")"
      meta "$CURRENT" "node${n}_vm_rss_kb" "$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status")"
    else
      meta "$CURRENT" run_error "node $n (pid $pid) gone before the end of the run"
    fi
  done
  run_phase topics_delete topics delete 0 "${t3[@]}" "${t1[@]}"
}

# ---- the run ----------------------------------------------------------------------------------
RUNID="$(date -u +%Y%m%d%H%M%S)"
START_S="$(date +%s.%N)"
LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "run $RUNID: clusters [$BROKERS], one after the other, 3 nodes each, -Xmx${HEAP_MB}m; reps=$REPS N_R3=$N_R3 N_WARMUP=$N_WARMUP N_E2E=$N_E2E"
for b in $BROKERS; do
  case "$b" in kafka|runnel) ;; *) die "unknown broker $b (kafka, runnel)" ;; esac
  meta "$b" loadavg_before "$(cut -d' ' -f1-3 /proc/loadavg)"
  if start_cluster "$b"; then
    measure
    stop_cluster
  fi
done
END_S="$(date +%s.%N)"
LOADAVG_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- report -----------------------------------------------------------------------------------
if [ "${QUICK:-0}" = 1 ]; then RESULTS="$HERE/results/tmp"; prefix="$(date -u +%Y-%m-%d)-quick-cluster-run"
else RESULTS="$HERE/results"; prefix="$(date -u +%Y-%m-%d)-cluster-run"; fi
mkdir -p "$RESULTS"
n=1
while [ -e "$RESULTS/$prefix$n.json" ]; do n=$((n + 1)); done
OUT="$RESULTS/$prefix$n.json"
for f in "$WORK"/out/*.out; do echo "== $(basename "$f" .out)"; cat "$f"; done > "${OUT%.json}.log"
export PHASES META START_S END_S LOADAVG_START LOADAVG_END CLK_TCK RUNID REPS N_R3 N_WARMUP N_E2E BROKERS QUICK HEAP_MB
python3 "$HERE/report.py" cluster-json "$OUT"; rc=$?
[ $rc -le 1 ] || die "report.py failed"
REPORTED=1
log "wrote $OUT (raw tool output: ${OUT%.json}.log) in $(awk -v a="$START_S" -v b="$END_S" 'BEGIN{printf "%.0f", b-a}') s"
if [ "$UPDATE_DOCS" = 1 ]; then
  python3 "$HERE/report.py" markdown "$OUT" "$ROOT/docs/performance.md" && log "updated docs/performance.md"
fi
python3 "$HERE/report.py" table "$OUT" >&2
exit $rc
