#!/usr/bin/env bash
# bench/run.sh: Runnel vs real Apache Kafka 4.4.0 on this machine, in one run.
#
# Builds what it needs (Kafka's jars via bench/kafka/pom.xml, Runnel via bin/runnel), starts both
# brokers on free 127.0.0.1 ports with data under bench/work/, then measures them alternately,
# phase by phase (Kafka, Runnel, Kafka, ... with the order flipped every repetition), so that the
# machine's noise hits both alike. Finally stops both, deletes bench/work/ and writes
#   bench/results/<UTC date>-run<N>.json    every figure of both brokers (+ .log: raw tool output)
#   docs/performance.md                      the summary table (Kafka, Runnel, ratio, targets)
# Phases (see bench/README.md): warm-up pass, then a/b/c produce, d consume (assign), g consume
# (Kafka's ConsumerPerformance, one consumer in a group), REPS times;
# e EndToEndLatency, e2 assign-based end-to-end latency, f/f0 producer latency at a fixed rate.
#
# Env: QUICK=1 (smoke run, ~1-2 minutes: small counts, 1 repetition, no warm-up, docs untouched)
#      REPS N_SMALL N_1K N_WARMUP N_E2E FIXED_RATE N_FIXED   counts (defaults below)
#      BROKERS="kafka runnel" (or just one)   PHASE_TIMEOUT_S (180)   START_TIMEOUT_S (120)
#      UPDATE_DOCS=0|1 (default 1, 0 with QUICK)   KEEP_WORK=1 keeps bench/work/ for a look
#      PRINT_METRICS=1 makes ConsumerPerformance (g) print its client metrics (fetch latency, fetch size) into the .log
# Needs java 17, mvn and python3. Exit code 0 when every phase of every broker ran ok, else 1.
set -uo pipefail

if [ "${QUICK:-0}" = 1 ]; then
  : "${REPS:=1}" "${N_SMALL:=200000}" "${N_1K:=50000}" "${N_WARMUP:=0}" "${N_E2E:=500}" "${N_FIXED:=50000}"
  : "${UPDATE_DOCS:=0}"
fi
REPS="${REPS:-3}"
N_SMALL="${N_SMALL:-2000000}"      # a, b, d: records of 100 B
N_1K="${N_1K:-500000}"             # c: records of 1 KiB
N_WARMUP="${N_WARMUP:-2000000}"    # warm-up pass (0 = none)
N_E2E="${N_E2E:-10000}"            # e, e2: records sent one at a time
FIXED_RATE="${FIXED_RATE:-50000}"  # f, f0: records/s
N_FIXED="${N_FIXED:-500000}"       # f, f0: records

BENCH_SCRIPT=run.sh
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# ---- state and cleanup ----------------------------------------------------------------------
mkdir -p "$WORK/out"
PHASES="$WORK/phases.tsv"   # broker \t phase \t rc \t wall_s \t broker_cpu_s \t raw output file
META="$WORK/meta.tsv"       # broker \t key \t value
: > "$PHASES"; : > "$META"
declare -A PID=() PORT=() MARK=([kafka]=kafka.Kafka [runnel]=io.runnel.cli.Main)
PROBE_PID=""

# stop_broker NAME: SIGTERM (then SIGKILL after 30 s) to the pid this script started, nothing else.
stop_broker() {
  local name="$1" pid="${PID[$1]:-}"
  [ -n "$pid" ] || return 0
  PID[$name]=""
  kill -0 "$pid" 2>/dev/null || return 0
  if ! tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "${MARK[$name]}"; then
    log "pid $pid is no longer $name; not signalling it"; return 0
  fi
  kill -TERM "$pid"
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then log "$name (pid $pid) ignored SIGTERM; SIGKILL"; kill -KILL "$pid"; break; fi
    sleep 0.2
  done
  log "stopped $name (pid $pid)"
}

cleanup() {
  [ -n "$PROBE_PID" ] && kill "$PROBE_PID" 2>/dev/null
  for b in kafka runnel; do stop_broker "$b"; done
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

meta() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$META"; }
now_ms() { date +%s%3N; }

broker_ticks() {  # utime+stime of the broker (all its threads), in clock ticks
  local pid="${PID[$1]:-}"
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'
}

# ---- starting the brokers ---------------------------------------------------------------------
# launch NAME PORT CMD...: starts the startup probe, then the broker (own session, output to
# WORK/NAME.out); records startup_ms = broker launch to its first answered Metadata request.
launch() {
  local name="$1" port="$2"; shift 2
  local probe_out="$WORK/$name-probe.out" t0 answered rc
  java -Xmx128m $JVM_PERF -cp "$CP" "$HERE/src/FirstAnsweredRequest.java" "127.0.0.1:$port" "$START_TIMEOUT_S" \
    > "$probe_out" 2>&1 &
  PROBE_PID=$!
  until grep -q '^waiting' "$probe_out" 2>/dev/null; do
    kill -0 "$PROBE_PID" 2>/dev/null || { cat "$probe_out" >&2; die "startup probe failed"; }
    sleep 0.05
  done
  t0="$(now_ms)"
  setsid "$@" > "$WORK/$name.out" 2>&1 < /dev/null &
  PID[$name]=$!
  PORT[$name]="$port"
  wait "$PROBE_PID"; rc=$?
  PROBE_PID=""
  answered="$(sed -n 's/^answered_at_ms=\([0-9]*\).*/\1/p' "$probe_out")"
  if [ $rc -ne 0 ] || [ -z "$answered" ] || ! kill -0 "${PID[$name]}" 2>/dev/null; then
    log "$name did not start; its output:"; tail -30 "$WORK/$name.out" >&2
    meta "$name" start_error "$(tail -5 "$WORK/$name.out" | tr '\t\n' '  ')"
    stop_broker "$name"
    return 1
  fi
  meta "$name" startup_ms "$((answered - t0))"
  meta "$name" pid "${PID[$name]}"
  meta "$name" bootstrap "127.0.0.1:$port"
  log "$name up on 127.0.0.1:$port (pid ${PID[$name]}), first answered request after $((answered - t0)) ms"
}

# Settings both brokers get (Kafka 4.x's shipped server.properties values).
COMMON_SETTINGS=(
  node.id=1 process.roles=broker,controller controller.listener.names=CONTROLLER
  num.network.threads=3 num.io.threads=8
  socket.send.buffer.bytes=102400 socket.receive.buffer.bytes=102400 socket.request.max.bytes=104857600
  num.partitions=1 log.retention.hours=168 log.segment.bytes=1073741824 log.retention.check.interval.ms=300000
  group.initial.rebalance.delay.ms=0
)

start_kafka() {
  local port="$1" cport="$2" dir="$WORK/kafka" conf t0 cluster
  mkdir -p "$dir"
  conf="$dir/server.properties"
  {
    printf '%s\n' "${COMMON_SETTINGS[@]}"
    cat <<EOF
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/logs
num.recovery.threads.per.data.dir=1
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
EOF
  } > "$conf"
  # Kafka needs its storage formatted before the first start (Runnel formats on first start):
  # timed separately, not part of startup_ms.
  t0="$(now_ms)"
  cluster="$(java -cp "$CP" $LOG4J kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)"
  java -cp "$CP" $LOG4J kafka.tools.StorageTool format --config "$conf" --cluster-id "$cluster" --standalone \
    > "$dir/format.out" 2>&1 || { cat "$dir/format.out" >&2; meta kafka start_error "storage format failed"; return 1; }
  meta kafka format_ms "$(( $(now_ms) - t0 ))"
  meta kafka heap_opts "-Xmx1g -Xms1g"
  launch kafka "$port" java -Xmx1g -Xms1g $JVM_PERF $LOG4J -cp "$CP" kafka.Kafka "$conf"
}

start_runnel() {
  local port="$1" cport="$2" overrides=() kv
  for kv in "${COMMON_SETTINGS[@]}" \
      "listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport" \
      "advertised.listeners=PLAINTEXT://127.0.0.1:$port" \
      "controller.quorum.voters=1@127.0.0.1:$cport" \
      "log.dirs=$WORK/runnel/logs"; do
    overrides+=(--override "$kv")
  done
  meta runnel heap_opts "-Xmx1g"
  # The last commit that changed Runnel itself (not bench/ or docs/).
  meta runnel commit "$(git -C "$ROOT" log -1 --format=%h -- pom.xml bin runnel-storage runnel-metadata \
    runnel-broker runnel-cli 2>/dev/null || echo unknown)"
  RUNNEL_HEAP_OPTS=-Xmx1g launch runnel "$port" "$ROOT/bin/runnel" server "${overrides[@]}"
}

# ---- phases -----------------------------------------------------------------------------------
UP=""   # brokers that started
kjava() { timeout -k 10 "$PHASE_TIMEOUT_S" java $CLIENT_JVM -cp "$CP" "$@"; }

# run_phase BROKER PHASE CMD...: runs one client tool against BROKER, keeps its output, and records
# its wall time and the broker CPU seconds spent meanwhile. A broker that is not up is skipped.
run_phase() {
  local broker="$1" phase="$2"; shift 2
  local raw="$WORK/out/$broker-$phase.out" t0 t1 c0 c1 rc cpu=""
  if [[ " $UP " == *" $broker "* ]] && ! kill -0 "${PID[$broker]}" 2>/dev/null; then
    log "$broker (pid ${PID[$broker]}) has exited; its last output:"; tail -5 "$WORK/$broker.out" >&2
    meta "$broker" run_error "broker exited during phase $phase or before it; its last output: $(tail -3 "$WORK/$broker.out" | tr '\t\n' '  ')"
    UP="${UP/ $broker/}"
  fi
  if [[ " $UP " != *" $broker "* ]]; then
    echo "skipped: $broker is not running" > "$raw"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$broker" "$phase" skip 0 "" "$raw" >> "$PHASES"
    return
  fi
  log "[$broker $phase] $1"
  c0="$(broker_ticks "$broker")"; t0="$(date +%s.%N)"
  "$@" > "$raw" 2>&1; rc=$?
  t1="$(date +%s.%N)"; c1="$(broker_ticks "$broker")"
  [ -n "$c0" ] && [ -n "$c1" ] && cpu="$(awk -v a="$c0" -v b="$c1" -v h="$CLK_TCK" 'BEGIN{printf "%.2f", (b-a)/h}')"
  grep -E 'records/sec .*50th|^records=|Avg latency|Percentiles' "$raw" | tail -1 | sed "s/^/    /" >&2
  [ $rc -ne 0 ] && log "[$broker $phase] FAILED rc=$rc: $(tail -2 "$raw" | tr '\n' ' ' | cut -c1-300)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$broker" "$phase" "$rc" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')" "$cpu" "$raw" >> "$PHASES"
}

topic() { echo "bench-$RUNID-$1"; }
produce() {  # produce BROKER TOPIC N SIZE RATE ACKS LINGER
  kjava org.apache.kafka.tools.ProducerPerformance --bootstrap-server "127.0.0.1:${PORT[$1]}" \
    --topic "$(topic "$2")" --num-records "$3" --record-size "$4" --throughput "$5" \
    --command-property acks="$6" batch.size=65536 linger.ms="$7"
}
produce_txn() {  # produce_txn BROKER TOPIC N: ProducerPerformance committing a transaction every 100 ms
  kjava org.apache.kafka.tools.ProducerPerformance --bootstrap-server "127.0.0.1:${PORT[$1]}" \
    --topic "$(topic "$2")" --num-records "$3" --record-size 100 --throughput -1 \
    --transactional-id "bench-$RUNID-$2-$1" --transaction-duration-ms 100 \
    --command-property acks=all batch.size=65536 linger.ms=5
}
consume() {  # consume BROKER TOPIC N
  kjava "$HERE/src/AssignConsumerPerf.java" "127.0.0.1:${PORT[$1]}" "$(topic "$2")" "$3"
}
consume_group() {  # consume_group BROKER TOPIC N: Kafka's ConsumerPerformance, one consumer in a fresh group
  kjava org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "127.0.0.1:${PORT[$1]}" \
    --topic "$(topic "$2")" --num-records "$3" --group "bench-$RUNID-$2-$1" --timeout 30000 ${PRINT_METRICS:+--print-metrics}
}
e2e_kafka_tool() {  # e2e_kafka_tool BROKER TOPIC N
  kjava org.apache.kafka.tools.EndToEndLatency --bootstrap-server "127.0.0.1:${PORT[$1]}" \
    --topic "$(topic "$2")" --num-records "$3" --producer-acks 1 --record-size 100
}
e2e_assign() {  # e2e_assign BROKER TOPIC N
  kjava "$HERE/src/AssignEndToEndLatency.java" "127.0.0.1:${PORT[$1]}" "$(topic "$2")" "$3" 1 100
}
topics() {  # topics BROKER create|delete NAME...
  local broker="$1" action="$2" names=() t; shift 2
  for t in "$@"; do names+=("$(topic "$t")"); done
  kjava "$HERE/src/Topics.java" "$action" "127.0.0.1:${PORT[$broker]}" "${names[@]}"
}

BROKERS_REVERSED="$(echo "$BROKERS" | awk '{for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "\n")}')"
order_for() { if [ $(($1 % 2)) -eq 1 ]; then echo "$BROKERS"; else echo "$BROKERS_REVERSED"; fi; }
each() {  # each ORDER PHASE CMD ARGS...: CMD BROKER ARGS... for each broker in ORDER
  local order="$1" phase="$2" cmd="$3" b; shift 3
  for b in $order; do run_phase "$b" "$phase" "$cmd" "$b" "$@"; done
}

# ---- the run ----------------------------------------------------------------------------------
RUNID="$(date -u +%Y%m%d%H%M%S)"
START_S="$(date +%s.%N)"
LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "run $RUNID: brokers [$BROKERS], reps=$REPS, N_SMALL=$N_SMALL N_1K=$N_1K N_WARMUP=$N_WARMUP N_E2E=$N_E2E N_FIXED=$N_FIXED@$FIXED_RATE/s"

read -r KP KC RP RC <<< "$(free_ports 4)"
for b in $BROKERS; do
  case "$b" in
    kafka) start_kafka "$KP" "$KC" && UP="$UP kafka" ;;
    runnel) start_runnel "$RP" "$RC" && UP="$UP runnel" ;;
    *) die "unknown broker $b (kafka, runnel)" ;;
  esac
done
for b in $UP; do meta "$b" cpu_ticks_start "$(broker_ticks "$b")"; done

TOPICS=(w e e2 f f0)
for r in $(seq 1 "$REPS"); do TOPICS+=("a$r" "b$r" "c$r" "t$r"); done
each "$BROKERS" topics_create topics create "${TOPICS[@]}"

if [ "$N_WARMUP" -gt 0 ]; then
  each "$BROKERS" warmup_a produce w "$N_WARMUP" 100 -1 1 5
  each "$BROKERS" warmup_b produce w $((N_WARMUP / 4)) 100 -1 all 5
  each "$BROKERS" warmup_c produce w $((N_WARMUP / 10)) 1024 -1 1 5
  each "$BROKERS" warmup_t produce_txn w $((N_WARMUP / 4))
  each "$BROKERS" warmup_d consume w "$N_WARMUP"
  each "$BROKERS" warmup_e e2e_assign w 2000
fi

for r in $(seq 1 "$REPS"); do
  order="$(order_for "$r")"
  each "$order" "a$r" produce "a$r" "$N_SMALL" 100 -1 1 5
  each "$order" "b$r" produce "b$r" "$N_SMALL" 100 -1 all 5
  each "$order" "c$r" produce "c$r" "$N_1K" 1024 -1 1 5
  each "$order" "d$r" consume "a$r" "$N_SMALL"
  each "$order" "g$r" consume_group "a$r" "$N_SMALL"
  each "$order" "t$r" produce_txn "t$r" "$N_SMALL"
done
each "$(order_for 1)" e e2e_kafka_tool e "$N_E2E"
each "$(order_for 2)" e2 e2e_assign e2 "$N_E2E"
each "$(order_for 1)" f produce f "$N_FIXED" 100 "$FIXED_RATE" 1 5
each "$(order_for 2)" f0 produce f0 "$N_FIXED" 100 "$FIXED_RATE" 1 0

for b in $UP; do
  pid="${PID[$b]}"
  if [ -r "/proc/$pid/status" ]; then
    meta "$b" cpu_ticks_end "$(broker_ticks "$b")"
    meta "$b" vm_hwm_kb "$(awk '/^VmHWM:/{print $2}' "/proc/$pid/status")"
    meta "$b" vm_rss_kb "$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status")"
  else
    meta "$b" run_error "broker process gone before the end of the run"
  fi
done
each "$BROKERS" topics_delete topics delete "${TOPICS[@]}"
for b in $UP; do stop_broker "$b"; done
END_S="$(date +%s.%N)"
LOADAVG_END="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- report -----------------------------------------------------------------------------------
# Smoke runs go to results/tmp/ (git-ignored), real runs to results/.
if [ "${QUICK:-0}" = 1 ]; then RESULTS="$HERE/results/tmp"; prefix="$(date -u +%Y-%m-%d)-quick-run"
else RESULTS="$HERE/results"; prefix="$(date -u +%Y-%m-%d)-run"; fi
mkdir -p "$RESULTS"
n=1
while [ -e "$RESULTS/$prefix$n.json" ]; do n=$((n + 1)); done
OUT="$RESULTS/$prefix$n.json"
for f in "$WORK"/out/*.out; do echo "== $(basename "$f" .out)"; cat "$f"; done > "${OUT%.json}.log"
export PHASES META START_S END_S LOADAVG_START LOADAVG_END CLK_TCK LIB RUNID REPS N_SMALL N_1K N_WARMUP N_E2E FIXED_RATE N_FIXED BROKERS QUICK
python3 "$HERE/report.py" json "$OUT"; rc=$?
[ $rc -le 1 ] || die "report.py failed"
log "wrote $OUT (raw tool output: ${OUT%.json}.log) in $(awk -v a="$START_S" -v b="$END_S" 'BEGIN{printf "%.0f", b-a}') s"
if [ "$UPDATE_DOCS" = 1 ]; then
  python3 "$HERE/report.py" markdown "$OUT" "$ROOT/docs/performance.md" && log "updated docs/performance.md"
fi
python3 "$HERE/report.py" table "$OUT" >&2
exit $rc
