#!/usr/bin/env python3
"""Results of bench/run.sh: the JSON file, the console table and the docs/performance.md summary.

  report.py json OUT.json              reads the run's phase/meta tables (paths and counts in the
                                       environment, exported by run.sh) and writes OUT.json;
                                       exit code 0 when every phase of every broker was ok, else 1
  report.py table RUN.json             prints the comparison table (markdown) to stdout
  report.py cluster-json OUT.json      the same for bench/cluster.sh (three-node clusters, run one
                                       after the other)
  report.py markdown RUN.json DOC.md   puts the run's summary into DOC.md between the
                                       <!-- bench:latest --> markers (a cluster run: between the
                                       <!-- bench:cluster --> markers) and adds a row to its run history

Units: records/s; MB = 2^20 bytes (Kafka tools' convention); latencies in ms; CPU in broker
CPU seconds (utime+stime of the broker process) and microseconds per record.
"""
import datetime
import json
import os
import platform
import re
import subprocess
import sys

BROKERS = ("kafka", "runnel")
PROD = re.compile(r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, "
                  r"([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99.9th")
CPERF = re.compile(r"^[^,]+, [^,]+, ([\d.]+), ([\d.]+), (\d+), ([\d.]+), (\d+), (\d+), ([\d.]+), ([\d.]+)\s*$", re.M)
KV_LINE = re.compile(r"^records=\S+( \w+=\S+)+$", re.M)


# ---- parsing the tools' output ------------------------------------------------------------------

def load_phases(path):
    phases = {b: {} for b in BROKERS}
    for line in open(path):
        broker, name, rc, wall, cpu, raw = line.rstrip("\n").split("\t")
        phases[broker][name] = dict(rc=rc, wall_s=float(wall), broker_cpu_s=float(cpu) if cpu else None,
                                    text=open(raw, errors="replace").read())
    return phases


def load_meta(path):
    meta = {b: {} for b in BROKERS}
    for line in open(path):
        broker, key, value = line.rstrip("\n").split("\t", 2)
        meta[broker][key] = value
    return meta


def finish(p, out):
    """Adds ok/error/wall/cpu of phase p to the parsed figures in out."""
    if p["rc"] == "skip":
        return dict(out, ok=False, skipped=True, error=p["text"].strip())
    out["ok"] = p["rc"] == "0" and out.pop("parsed", True)
    out["wall_s"] = p["wall_s"]
    out["broker_cpu_s"] = p["broker_cpu_s"]
    if p.get("node_cpu_s"):
        out["node_cpu_s"] = p["node_cpu_s"]
    if not out["ok"]:
        out["error"] = ("rc=%s: " % p["rc"]) + p["text"].strip()[-500:]
    return out


def producer(p, expected):
    m = None
    for m in PROD.finditer(p["text"]):
        pass
    if not m:
        return finish(p, dict(parsed=False))
    out = dict(records=int(m[1]), records_per_s=round(float(m[2]), 1), mb_per_s=float(m[3]),
               latency_avg_ms=float(m[4]), latency_max_ms=float(m[5]), latency_p50_ms=int(m[6]),
               latency_p95_ms=int(m[7]), latency_p99_ms=int(m[8]), latency_p999_ms=int(m[9]))
    out["parsed"] = out["records"] >= expected
    return finish(p, out)


def key_values(p, expected=None):
    """Our tools' result line: records=... key=value ..."""
    matches = list(KV_LINE.finditer(p["text"]))
    if not matches:
        return finish(p, dict(parsed=False))
    out = {}
    for pair in matches[-1].group(0).split():
        k, v = pair.split("=", 1)
        out[k] = float(v) if "." in v else int(v)
    if expected is not None:
        out["parsed"] = out["records"] >= expected
    return finish(p, out)


def consumer_perf(p, expected):
    """ConsumerPerformance's CSV line: start, end, MB, MB/s, records, records/s, rebalance ms,
    fetch ms, fetch MB/s, fetch records/s. records_per_s counts from the first fetch (after the
    group join); the join is reported apart as rebalance_ms."""
    m = None
    for m in CPERF.finditer(p["text"]):
        pass
    if not m:
        return finish(p, dict(parsed=False))
    out = dict(records=int(m[3]), rebalance_ms=int(m[5]), fetch_ms=int(m[6]), mb_per_s=float(m[7]),
               records_per_s=round(float(m[8]), 1), records_per_s_with_join=round(float(m[4]), 1))
    out["parsed"] = out["records"] >= expected
    return finish(p, out)


def kafka_e2e(p):
    a = re.search(r"Avg latency: ([\d.]+) ms", p["text"])
    q = re.search(r"Percentiles: 50th = (\d+), 99th = (\d+), 99.9th = (\d+)", p["text"])
    out = dict(parsed=False)
    if a and q:
        out = dict(latency_avg_ms=float(a[1]), latency_p50_ms=int(q[1]), latency_p99_ms=int(q[2]),
                   latency_p999_ms=int(q[3]))
    out = finish(p, out)
    if not out["ok"] and "latency_avg_ms" in out:
        out["note"] = "latencies were printed, then the tool failed (it commits offsets with a group.id at the end)"
    return out


def repeated(phases, prefix, fn, expected, reps, **cfg):
    runs = [fn(phases[f"{prefix}{i}"], expected) if f"{prefix}{i}" in phases else
            dict(ok=False, skipped=True, error="phase did not run") for i in range(1, reps + 1)]
    good = sorted((r for r in runs if r["ok"]), key=lambda r: r["records_per_s"])
    out = dict(cfg)
    if good:
        med = good[(len(good) - 1) // 2]    # the lower median for an even count
        out.update({k: v for k, v in med.items() if k not in ("wall_s", "ok")})
        out["records_per_s_all"] = [r.get("records_per_s") for r in runs]
        out["mb_per_s_all"] = [r.get("mb_per_s") for r in runs]
        cpu = [r["broker_cpu_s"] for r in good if r.get("broker_cpu_s") is not None]
        records = sum(r["records"] for r in good if r.get("broker_cpu_s") is not None)
        if cpu and records:
            out["broker_cpu_s_all"] = [r.get("broker_cpu_s") for r in runs]
            out["cpu_us_per_record"] = round(sum(cpu) / records * 1e6, 3)
            out["cpu_s_sum"], out["records_sum"] = sum(cpu), records
    out["ok"] = len(good) == len(runs)
    errors = [r["error"] for r in runs if "error" in r]
    if errors:
        out["error"] = errors[0]
    out["reps"] = len(runs)
    return out


def broker_result(name, phases, meta, env):
    reps, ns, n1k, nf = (int(env[k]) for k in ("REPS", "N_SMALL", "N_1K", "N_FIXED"))
    rate, ne2e = int(env["FIXED_RATE"]), int(env["N_E2E"])
    m = meta[name]
    res = {"started": "startup_ms" in m}
    if name == "kafka":
        res["software"] = "Apache Kafka 4.4.0 (KRaft combined mode, kafka_2.13 from Maven Central)"
    else:
        res["software"] = "Runnel (bin/runnel server), commit " + m.get("commit", "unknown")
    for key in ("bootstrap", "heap_opts", "start_error", "run_error"):
        if key in m:
            res[key] = m[key]
    for key in ("startup_ms", "format_ms", "pid"):
        if key in m:
            res[key] = int(m[key])
    if "vm_hwm_kb" in m:
        res["vm_hwm_mb"] = round(int(m["vm_hwm_kb"]) / 1024, 1)
        res["vm_rss_mb"] = round(int(m["vm_rss_kb"]) / 1024, 1)
    if m.get("cpu_ticks_start") and m.get("cpu_ticks_end"):
        ticks = int(m["cpu_ticks_end"]) - int(m["cpu_ticks_start"])
        res["cpu_s_total"] = round(ticks / int(env["CLK_TCK"]), 2)
    p = phases[name]
    fixed = dict(records_requested=nf, record_bytes=100, acks="1", batch_size=65536, throughput_limit=rate)
    res.update({
        "a_produce_100B_acks1": repeated(p, "a", producer, ns, reps, records_requested=ns, record_bytes=100,
                                         acks="1", batch_size=65536, linger_ms=5, throughput_limit=-1),
        "b_produce_100B_acksall": repeated(p, "b", producer, ns, reps, records_requested=ns, record_bytes=100,
                                           acks="all", idempotent=True, batch_size=65536, linger_ms=5,
                                           throughput_limit=-1),
        "c_produce_1KiB_acks1": repeated(p, "c", producer, n1k, reps, records_requested=n1k, record_bytes=1024,
                                         acks="1", batch_size=65536, linger_ms=5, throughput_limit=-1),
        "d_consume_100B_assign": repeated(p, "d", key_values, ns, reps, records_requested=ns,
                                          tool="bench/src/AssignConsumerPerf.java",
                                          reads="the topic (a) wrote in the same repetition",
                                          max_partition_fetch_bytes=1048576, fetch_max_bytes=52428800),
        "g_consume_100B_group": repeated(p, "g", consumer_perf, ns, reps, records_requested=ns,
                                         tool="org.apache.kafka.tools.ConsumerPerformance",
                                         reads="the topic (a) wrote in the same repetition, one consumer in a new group"),
        "t_produce_100B_transactional": repeated(p, "t", producer, ns, reps, records_requested=ns,
                                                 record_bytes=100, acks="all", transactional=True,
                                                 transaction_duration_ms=100, batch_size=65536, linger_ms=5,
                                                 throughput_limit=-1),
        "e_end_to_end_latency_kafka_tool": dict(tool="org.apache.kafka.tools.EndToEndLatency", records=ne2e,
                                                record_bytes=100, acks="1", **phase_or_skip(p, "e", kafka_e2e)),
        "e2_end_to_end_latency_assign": dict(tool="bench/src/AssignEndToEndLatency.java", record_bytes=100,
                                             acks="1", **phase_or_skip(p, "e2", lambda x: key_values(x, ne2e))),
        "f_fixed_rate_linger5": dict(fixed, linger_ms=5, **phase_or_skip(p, "f", lambda x: producer(x, nf))),
        "f0_fixed_rate_linger0": dict(fixed, linger_ms=0, **phase_or_skip(p, "f0", lambda x: producer(x, nf))),
    })
    cpu = [res[k] for k in ("a_produce_100B_acks1", "b_produce_100B_acksall", "c_produce_1KiB_acks1",
                            "d_consume_100B_assign") if "cpu_s_sum" in res[k]]
    if cpu:
        res["cpu_us_per_record_a_to_d"] = round(sum(x["cpu_s_sum"] for x in cpu)
                                                / sum(x["records_sum"] for x in cpu) * 1e6, 3)
    res["topics_ok"] = all(v["rc"] == "0" for k, v in p.items() if k.startswith("topics_"))
    res["warmup_ok"] = all(v["rc"] == "0" for k, v in p.items() if k.startswith("warmup_"))
    res["phase_wall_s"] = {k: v["wall_s"] for k, v in p.items()}
    res["all_ok"] = res["started"] and res["topics_ok"] and res["warmup_ok"] and all(
        v.get("ok", False) for k, v in res.items() if isinstance(v, dict) and k[:2] in
        ("a_", "b_", "c_", "d_", "g_", "t_", "e_", "e2", "f_", "f0"))
    return res


def phase_or_skip(phases, name, fn):
    return fn(phases[name]) if name in phases else dict(ok=False, skipped=True, error="phase did not run")


# ---- comparison and targets ---------------------------------------------------------------------

def get(result, path):
    value = result
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    if isinstance(value, dict):
        return None
    return value


# (label, json path, unit, better, target kind); targets are the issue's: throughput >= 1.0x Kafka,
# broker CPU per record <= 0.7x, fixed-rate p99 <= Kafka's, RSS <= 0.5x, startup <= 2 s.
ROWS = [
    ("a produce 100 B acks=1, records/s (median)", "a_produce_100B_acks1.records_per_s", "rec/s", "higher", ">=1.0x"),
    ("a produce 100 B acks=1, MB/s", "a_produce_100B_acks1.mb_per_s", "MB/s", "higher", None),
    ("b produce 100 B acks=all (idempotent), records/s", "b_produce_100B_acksall.records_per_s", "rec/s", "higher", ">=1.0x"),
    ("c produce 1 KiB acks=1, records/s", "c_produce_1KiB_acks1.records_per_s", "rec/s", "higher", ">=1.0x"),
    ("c produce 1 KiB acks=1, MB/s", "c_produce_1KiB_acks1.mb_per_s", "MB/s", "higher", None),
    ("d consume 100 B (assign), records/s", "d_consume_100B_assign.records_per_s", "rec/s", "higher", ">=1.0x"),
    ("d consume 100 B (assign), MB/s", "d_consume_100B_assign.mb_per_s", "MB/s", "higher", None),
    ("g consume 100 B (group, ConsumerPerformance), records/s", "g_consume_100B_group.records_per_s", "rec/s", "higher", ">=1.0x"),
    ("g group join (rebalance) ms", "g_consume_100B_group.rebalance_ms", "ms", "lower", None),
    ("t produce 100 B in transactions of 100 ms, records/s", "t_produce_100B_transactional.records_per_s", "rec/s", "higher", None),
    ("broker CPU per record, a-d together, µs", "cpu_us_per_record_a_to_d", "µs", "lower", "<=0.7x"),
    ("broker CPU per record, a, µs", "a_produce_100B_acks1.cpu_us_per_record", "µs", "lower", None),
    ("broker CPU per record, b, µs", "b_produce_100B_acksall.cpu_us_per_record", "µs", "lower", None),
    ("broker CPU per record, c, µs", "c_produce_1KiB_acks1.cpu_us_per_record", "µs", "lower", None),
    ("broker CPU per record, d, µs", "d_consume_100B_assign.cpu_us_per_record", "µs", "lower", None),
    ("broker CPU per record, t, µs", "t_produce_100B_transactional.cpu_us_per_record", "µs", "lower", None),
    ("e2 end-to-end latency (assign tool), avg ms", "e2_end_to_end_latency_assign.avg_ms", "ms", "lower", None),
    ("e2 end-to-end latency, p50 ms", "e2_end_to_end_latency_assign.p50_ms", "ms", "lower", None),
    ("e2 end-to-end latency, p99 ms", "e2_end_to_end_latency_assign.p99_ms", "ms", "lower", None),
    ("e EndToEndLatency (Kafka's tool), avg ms", "e_end_to_end_latency_kafka_tool.latency_avg_ms", "ms", "lower", None),
    ("e EndToEndLatency, p99 ms (whole ms)", "e_end_to_end_latency_kafka_tool.latency_p99_ms", "ms", "lower", "<=Kafka"),
    ("f 50k rec/s, linger 5: p99 ms", "f_fixed_rate_linger5.latency_p99_ms", "ms", "lower", "<=Kafka"),
    ("f avg / p50 ms", ("f_fixed_rate_linger5.latency_avg_ms", "f_fixed_rate_linger5.latency_p50_ms"), "ms", "lower", None),
    ("f p99.9 / max ms", ("f_fixed_rate_linger5.latency_p999_ms", "f_fixed_rate_linger5.latency_max_ms"), "ms", "lower", None),
    ("f0 50k rec/s, linger 0: p99 ms", "f0_fixed_rate_linger0.latency_p99_ms", "ms", "lower", "<=Kafka"),
    ("f0 avg / p50 ms", ("f0_fixed_rate_linger0.latency_avg_ms", "f0_fixed_rate_linger0.latency_p50_ms"), "ms", "lower", None),
    ("f0 p99.9 / max ms", ("f0_fixed_rate_linger0.latency_p999_ms", "f0_fixed_rate_linger0.latency_max_ms"), "ms", "lower", None),
    ("f / f0 achieved rate, rec/s", ("f_fixed_rate_linger5.records_per_s", "f0_fixed_rate_linger0.records_per_s"), "rec/s", None, None),
    ("broker RSS peak (VmHWM) after the run, MB", "vm_hwm_mb", "MB", "lower", "<=0.5x"),
    ("broker RSS (VmRSS) after the run, MB", "vm_rss_mb", "MB", "lower", None),
    ("start to first answered request, ms", "startup_ms", "ms", "lower", "<=2000ms"),
    ("broker CPU seconds, whole run", "cpu_s_total", "s", "lower", None),
]


def comparison(kafka, runnel, rows_spec=ROWS):
    rows = []
    for label, path, unit, better, target in rows_spec:
        paths = path if isinstance(path, tuple) else (path,)
        k = [get(kafka, x) for x in paths]
        r = [get(runnel, x) for x in paths]
        row = dict(figure=label, unit=unit, better=better, kafka=k if len(k) > 1 else k[0],
                   runnel=r if len(r) > 1 else r[0])
        if len(paths) == 1 and all(isinstance(v, (int, float)) for v in (k[0], r[0])) and k[0] != 0:
            row["ratio"] = round(r[0] / k[0], 3)
        if target:
            row["target"] = target
            row["met"] = met(target, row)
        rows.append(row)
    return rows


def met(target, row):
    k, r, ratio = row["kafka"], row["runnel"], row.get("ratio")
    if target == "<=2000ms":
        return None if r is None else r <= 2000
    if r is None or k is None:
        return None
    if target == "<=Kafka":
        return r <= k
    if ratio is None:
        return None
    return {">=1.0x": ratio >= 1.0, "<=0.7x": ratio <= 0.7, "<=0.5x": ratio <= 0.5}[target]


TARGET_TEXT = {">=1.0x": ">= 1.0x Kafka", "<=0.7x": "<= 0.7x Kafka", "<=Kafka": "<= Kafka's",
               "<=0.5x": "<= 0.5x Kafka", "<=2000ms": "<= 2,000 ms"}


def fmt(value, unit):
    if value is None:
        return "—"
    if isinstance(value, list):
        return " / ".join(fmt(v, unit) for v in value)
    if unit == "rec/s":
        return f"{value:,.0f}"
    if unit in ("ms", "µs") and isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if unit in ("MB/s", "MB", "s"):
        return f"{value:,.1f}"
    return f"{value:,}"


def table(run):
    """The comparison as a markdown table; the target and met columns only when a row has a target."""
    targets = any("target" in row for row in run["comparison"])
    kafka, runnel = ("Kafka 4.4.0 (3 nodes)", "Runnel (3 nodes)") if is_cluster(run) else ("Kafka 4.4.0", "Runnel")
    out = [f"| figure | {kafka} | {runnel} | Runnel/Kafka |" + (" target | met |" if targets else ""),
           "| --- | ---: | ---: | ---: |" + (" --- | --- |" if targets else "")]
    for row in run["comparison"]:
        ratio = f"{row['ratio']:.2f}x" if "ratio" in row else "—"
        line = f"| {row['figure']} | {fmt(row['kafka'], row['unit'])} | {fmt(row['runnel'], row['unit'])} | {ratio} |"
        if targets:
            target = TARGET_TEXT.get(row.get("target"), "")
            verdict = {True: "yes", False: "**no**", None: "n/a"}[row["met"]] if "target" in row else ""
            line += f" {target} | {verdict} |"
        out.append(line)
    return "\n".join(out)


def is_cluster(run):
    return run.get("tool") == "bench/cluster.sh"


def failures(run):
    lines = []
    for b in BROKERS:
        res = run.get(b, {})
        if "start_error" in res:
            lines.append(f"- {b}: did not start: {res['start_error']}")
        if "run_error" in res:
            lines.append(f"- {b}: {res['run_error']}")
        for key, value in res.items():
            if isinstance(value, dict) and value.get("ok") is False and "error" in value and not value.get("skipped"):
                err = " ".join(value["error"].split())[:300]
                lines.append(f"- {b} `{key}`: {value.get('note', 'failed')}: `{err}`")
        if res.get("started") and not res.get("topics_ok", True):
            lines.append(f"- {b}: creating or deleting topics failed (see the .log)")
        if res.get("started") and not res.get("warmup_ok", True):
            lines.append(f"- {b}: a warm-up phase failed (see the .log)")
    return lines


# ---- three-node clusters (bench/cluster.sh) -------------------------------------------------------

def load_cluster_phases(path):
    """cluster.sh's phase table: like run.sh's, plus the CPU seconds of each node (comma list)."""
    phases = {b: {} for b in BROKERS}
    for line in open(path):
        broker, name, rc, wall, cpu, raw, per_node = line.rstrip("\n").split("\t")
        phases[broker][name] = dict(rc=rc, wall_s=float(wall), broker_cpu_s=float(cpu) if cpu else None,
                                    node_cpu_s=[float(x) for x in per_node.split(",") if x],
                                    text=open(raw, errors="replace").read())
    return phases


def cluster_result(name, phases, meta, env):
    reps, n, ne2e = (int(env[k]) for k in ("REPS", "N_R3", "N_E2E"))
    m = meta[name]
    res = {"started": "startup_ms" in m, "nodes": 3}
    if name == "kafka":
        res["software"] = "Apache Kafka 4.4.0, 3 KRaft combined broker+controller nodes, static voters"
    else:
        res["software"] = "Runnel (bin/runnel server), 3 combined nodes, static voters, commit " + m.get("commit", "unknown")
    for key in ("bootstrap", "heap_opts", "start_error", "run_error", "loadavg_before"):
        if key in m:
            res[key] = m[key]
    for key in ("startup_ms", "format_ms"):
        if key in m:
            res[key] = int(m[key])
    pids = m.get("pids", "").split()
    start, end = m.get("cpu_ticks_start", "").split(","), m.get("cpu_ticks_end", "").split(",")
    nodes = []
    for i, pid in enumerate(pids):
        node = {"node": i + 1, "pid": int(pid)}
        if f"node{i + 1}_vm_hwm_kb" in m:
            node["vm_hwm_mb"] = round(int(m[f"node{i + 1}_vm_hwm_kb"]) / 1024, 1)
            node["vm_rss_mb"] = round(int(m[f"node{i + 1}_vm_rss_kb"]) / 1024, 1)
        if i < len(start) and i < len(end) and start[i] and end[i]:
            node["cpu_s_total"] = round((int(end[i]) - int(start[i])) / int(env["CLK_TCK"]), 2)
        nodes.append(node)
    res["node_stats"] = nodes
    for key in ("vm_hwm_mb", "vm_rss_mb", "cpu_s_total"):
        values = [x[key] for x in nodes if key in x]
        if values and len(values) == len(nodes):
            res[key] = round(sum(values), 2)
    if all("vm_hwm_mb" in x for x in nodes) and nodes:
        res["vm_hwm_mb_max_node"] = max(x["vm_hwm_mb"] for x in nodes)
    p = phases[name]
    topic = dict(partitions=3, replication_factor=3, min_insync_replicas=2)
    res["r3_produce_100B_acksall_rf3"] = repeated(
        p, "r3_", producer, n, reps, records_requested=n, record_bytes=100, acks="all", idempotent=True,
        batch_size=65536, linger_ms=5, throughput_limit=-1, **topic)
    res["e3_end_to_end_latency_acksall"] = dict(
        tool="org.apache.kafka.tools.EndToEndLatency", records=ne2e, record_bytes=100, acks="all",
        **dict(topic, partitions=1), **phase_or_skip(p, "e3", kafka_e2e))
    res["topics_ok"] = all(v["rc"] == "0" for k, v in p.items() if k.startswith("topics_"))
    res["warmup_ok"] = all(v["rc"] == "0" for k, v in p.items() if k.startswith("warmup_"))
    res["phase_wall_s"] = {k: v["wall_s"] for k, v in p.items()}
    res["all_ok"] = (res["started"] and res["topics_ok"] and res["warmup_ok"]
                     and res["r3_produce_100B_acksall_rf3"]["ok"] and res["e3_end_to_end_latency_acksall"]["ok"])
    return res


R3, E3 = "r3_produce_100B_acksall_rf3", "e3_end_to_end_latency_acksall"
# (label, json path, unit, better, target): the issue sets no targets for the cluster run.
CLUSTER_ROWS = [
    ("r3 produce 100 B acks=all, 3 partitions RF 3, records/s (median)", f"{R3}.records_per_s", "rec/s", "higher", None),
    ("r3 MB/s", f"{R3}.mb_per_s", "MB/s", "higher", None),
    ("r3 producer latency avg / p99 ms (mostly time queued in the producer)",
     (f"{R3}.latency_avg_ms", f"{R3}.latency_p99_ms"), "ms", "lower", None),
    ("cluster CPU per record, r3, all 3 nodes, µs", f"{R3}.cpu_us_per_record", "µs", "lower", None),
    ("r3 median repetition: CPU s of node 1 / 2 / 3", f"{R3}.node_cpu_s", "s", "lower", None),
    ("e3 EndToEndLatency acks=all (1 partition RF 3), avg ms", f"{E3}.latency_avg_ms", "ms", "lower", None),
    ("e3 p50 / p99 / p99.9 ms (whole ms)",
     (f"{E3}.latency_p50_ms", f"{E3}.latency_p99_ms", f"{E3}.latency_p999_ms"), "ms", "lower", None),
    ("RSS peak (VmHWM) after the run, 3 nodes summed, MB", "vm_hwm_mb", "MB", "lower", None),
    ("RSS peak of the largest node, MB", "vm_hwm_mb_max_node", "MB", "lower", None),
    ("start to every node listing 3 brokers, ms", "startup_ms", "ms", "lower", None),
    ("CPU seconds, whole run, 3 nodes summed", "cpu_s_total", "s", "lower", None),
]


def cmd_cluster_json(out_path):
    return write_run(out_path, "bench/cluster.sh", load_cluster_phases, ("REPS", "N_R3", "N_WARMUP", "N_E2E", "HEAP_MB"),
                     "records/s; MB = 2^20 bytes; latencies in ms (ProducerPerformance and EndToEndLatency "
                     "print whole ms, truncated); CPU = utime+stime of the three node processes during the "
                     "phase, summed (node_cpu_s: each node); cpu_us_per_record = sum of CPU over the "
                     "repetitions / records. The clusters run one after the other, never together.",
                     cluster_result, CLUSTER_ROWS)


CLUSTER_BEGIN, CLUSTER_END = "<!-- bench:cluster:begin -->", "<!-- bench:cluster:end -->"
CLUSTER_HISTORY_END = "<!-- bench:cluster-history:end -->"


def cluster_summary(run, run_file):
    m, c = run["machine"], run["counts"]
    load = "; ".join(f"{b} {run[b]['loadavg_before']}" for b in run["brokers_measured"] if "loadavg_before" in run[b])
    parts = [
        f"Run `{run_file}` ({run['started_utc']}, {run['total_wall_s']:.0f} s; "
        f"{m['nproc']} vCPU {m['cpu']}, {m['mem_total_kb'] // 1048576} GiB, {m['java']}; "
        f"load average before each cluster: {load}). "
        f"Runnel commit {run['runnel'].get('software', '').rsplit(' ', 1)[-1]}. Heap {c['heap_mb']} MiB per node. "
        f"Counts: r3 {c['n_r3']:,} x 100 B, {c['reps']} repetition(s) (medians), warm-up {c['n_warmup']:,}, "
        f"e3 {c['n_e2e']:,} records.",
        "",
        table(run),
    ]
    fails = failures(run)
    if fails:
        parts += ["", "Failed or partial phases in this run:", ""] + fails
    return "\n".join(parts)


def cluster_history_row(run, run_file):
    def value(broker, path, unit):
        return fmt(get(run[broker], path), unit)

    ratio = next((f"{r['ratio']:.2f}x" for r in run["comparison"] if r["figure"].startswith("r3 produce")
                  and "ratio" in r), "—")
    cpu = next((f"{r['ratio']:.2f}x" for r in run["comparison"] if r["figure"].startswith("cluster CPU per")
                and "ratio" in r), "—")
    return (f"| {run['started_utc'][:16].replace('T', ' ')} | `{run_file}` "
            f"| {value('kafka', R3 + '.records_per_s', 'rec/s')} / {value('runnel', R3 + '.records_per_s', 'rec/s')} "
            f"| {ratio} | {cpu} "
            f"| {value('kafka', E3 + '.latency_p99_ms', 'ms')} / {value('runnel', E3 + '.latency_p99_ms', 'ms')} "
            f"| {value('kafka', 'vm_hwm_mb', 'MB')} / {value('runnel', 'vm_hwm_mb', 'MB')} |")


# ---- commands -------------------------------------------------------------------------------------

def machine():
    cpu = ""
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_total_kb": int(open("/proc/meminfo").read().split()[1]),
            "kernel": platform.release(), "java": java[0] if java else "unknown"}


def write_run(out_path, tool, load, count_keys, units, result, rows):
    """Writes one run's JSON from the environment the script exported; 0 when every phase ran ok."""
    env = os.environ
    phases, meta = load(env["PHASES"]), load_meta(env["META"])
    run = {
        "tool": tool,
        "run_id": env["RUNID"],
        "started_utc": datetime.datetime.fromtimestamp(float(env["START_S"]), datetime.timezone.utc)
                               .isoformat(timespec="seconds"),
        "total_wall_s": round(float(env["END_S"]) - float(env["START_S"]), 1),
        "quick": env.get("QUICK", "0") == "1",
        "brokers_measured": env["BROKERS"].split(),
        "counts": {k.lower(): int(env[k]) for k in count_keys},
        "machine": machine(),
        "loadavg_1_5_15": {"start": env["LOADAVG_START"], "end": env["LOADAVG_END"]},
        "units": units,
    }
    for b in BROKERS:
        run[b] = result(b, phases, meta, env)
    run["comparison"] = comparison(run["kafka"], run["runnel"], rows)
    run["all_ok"] = all(run[b]["all_ok"] for b in run["brokers_measured"])
    with open(out_path, "w") as fh:
        json.dump(run, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    return 0 if run["all_ok"] else 1


def cmd_json(out_path):
    return write_run(out_path, "bench/run.sh", load_phases,
                     ("REPS", "N_SMALL", "N_1K", "N_WARMUP", "N_E2E", "FIXED_RATE", "N_FIXED"),
                     "records/s; MB = 2^20 bytes; latencies in ms (ProducerPerformance and EndToEndLatency "
                     "print whole ms, truncated); broker CPU = utime+stime of the broker process during the "
                     "phase, including the client JVM's start; cpu_us_per_record = sum of broker CPU over the "
                     "repetitions / records.",
                     broker_result, ROWS)


BEGIN, END = "<!-- bench:latest:begin -->", "<!-- bench:latest:end -->"
HISTORY_END = "<!-- bench:history:end -->"


def summary(run, run_file):
    m, c = run["machine"], run["counts"]
    parts = [
        f"Run `{run_file}` ({run['started_utc']}, {run['total_wall_s']:.0f} s; "
        f"{m['nproc']} vCPU {m['cpu']}, {m['mem_total_kb'] // 1048576} GiB, kernel {m['kernel']}, {m['java']}; "
        f"load average at the start {run['loadavg_1_5_15']['start']}). "
        f"Runnel commit {run['runnel'].get('software', '').rsplit(' ', 1)[-1]}. "
        f"Counts: a/b/d {c['n_small']:,} x 100 B, c {c['n_1k']:,} x 1 KiB, {c['reps']} repetition(s) "
        f"(medians), warm-up {c['n_warmup']:,}, e/e2 {c['n_e2e']:,} records, f/f0 {c['n_fixed']:,} at "
        f"{c['fixed_rate']:,} rec/s.",
        "",
        table(run),
    ]
    fails = failures(run)
    if fails:
        parts += ["", "Failed or partial phases in this run:", ""] + fails
    return "\n".join(parts)


def history_row(run, run_file):
    def ratio(figure_prefix):
        for row in run["comparison"]:
            if row["figure"].startswith(figure_prefix):
                return f"{row['ratio']:.2f}x" if "ratio" in row else "—"
        return "—"

    def pair(path):
        k, r = get(run["kafka"], path), get(run["runnel"], path)
        return f"{fmt(k, 'ms')} / {fmt(r, 'ms')}"

    return (f"| {run['started_utc'][:16].replace('T', ' ')} | `{run_file}` | {ratio('a produce 100 B acks=1, rec')} "
            f"| {ratio('b produce')} | {ratio('c produce 1 KiB acks=1, rec')} | {ratio('d consume 100 B (assign), rec')} "
            f"| {ratio('broker CPU per record, a-d')} | {pair('f_fixed_rate_linger5.latency_p99_ms')} "
            f"| {pair('f0_fixed_rate_linger0.latency_p99_ms')} | {ratio('broker RSS peak')} "
            f"| {fmt(get(run['kafka'], 'startup_ms'), 'ms')} / {fmt(get(run['runnel'], 'startup_ms'), 'ms')} "
            f"| {ratio('g consume 100 B (group')} | {pair('e_end_to_end_latency_kafka_tool.latency_p99_ms')} |")


def cmd_markdown(run_path, doc_path):
    run = json.load(open(run_path))
    run_file = "bench/results/" + os.path.basename(run_path)
    doc = open(doc_path).read()
    if is_cluster(run):
        begin, end, history_end = CLUSTER_BEGIN, CLUSTER_END, CLUSTER_HISTORY_END
        text, row = cluster_summary(run, run_file), cluster_history_row(run, run_file)
    else:
        begin, end, history_end = BEGIN, END, HISTORY_END
        text, row = summary(run, run_file), history_row(run, run_file)
    if begin not in doc or end not in doc or history_end not in doc:
        sys.exit(f"{doc_path} lacks the {begin} ... {end} and {history_end} markers")
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    doc = head + begin + "\n" + text + "\n" + end + tail
    history, after = doc.split(history_end, 1)
    if f"| `{run_file}` |" not in history:
        doc = history + row + "\n" + history_end + after
    with open(doc_path, "w") as fh:
        fh.write(doc)
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "json":
        return cmd_json(argv[2])
    if len(argv) == 3 and argv[1] == "cluster-json":
        return cmd_cluster_json(argv[2])
    if len(argv) == 3 and argv[1] == "table":
        run = json.load(open(argv[2]))
        print("\n".join([table(run)] + failures(run)))
        return 0
    if len(argv) == 4 and argv[1] == "markdown":
        return cmd_markdown(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
