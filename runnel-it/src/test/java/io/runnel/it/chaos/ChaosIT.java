package io.runnel.it.chaos;

import io.runnel.it.harness.ClusterProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The randomized fault test (issue 4): a three-node cluster with default settings, a topic of
 * {@value #PARTITIONS} partitions, replication factor 3 and {@code min.insync.replicas=2}, two
 * idempotent {@code acks=all} producers and a classic consumer group of two, while a seeded
 * {@link FaultInjector} kills (-9), pauses, stops (SIGTERM) or isolates one random node at a time
 * every 3-6 s for {@code chaos.seconds} (default 60). Then everything is healed, the producers
 * flush, the consumers catch up, and {@link ChaosChecker} judges the run against a fresh read of
 * every partition. The seed is printed and named in every failure; {@code -Dchaos.seed=N} replays
 * a schedule, {@code -Dchaos.seconds=N} runs longer.
 */
class ChaosIT {
    private static final String TOPIC = "chaos";
    private static final int PARTITIONS = 6;
    private static final Duration RECOVERY = ClusterHealth.RECOVERY;

    @Test
    void randomFaultsLoseNoAcknowledgedRecordAndKeepOrder() throws Exception {
        long seed = Long.getLong("chaos.seed", ThreadLocalRandom.current().nextLong());
        Duration faultTime = Duration.ofSeconds(Long.getLong("chaos.seconds", 60));
        System.out.println("ChaosIT seed " + seed + " (replay with -Dchaos.seed=" + seed + "), faults for " + faultTime);
        ChaosReport report = run(seed, faultTime);
        System.out.println(report);
    }

    private static ChaosReport run(long seed, Duration faultTime) throws Exception {
        try (ClusterProcess cluster = ClusterProcess.start(); Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
            ClusterHealth.awaitIsrsFull(admin, TOPIC, PARTITIONS, seed);
            List<AckingProducer> producers = List.of(new AckingProducer(1, cluster.bootstrap(), TOPIC, PARTITIONS),
                    new AckingProducer(2, cluster.bootstrap(), TOPIC, PARTITIONS));
            List<RecordingConsumer> consumers = List.of(new RecordingConsumer("c1", cluster.bootstrap(), "chaos-group", TOPIC),
                    new RecordingConsumer("c2", cluster.bootstrap(), "chaos-group", TOPIC));
            Thread faults = null;
            try {
                producers.forEach(AckingProducer::start);
                await("first acknowledgements, seed " + seed).atMost(Duration.ofSeconds(60))
                        .until(() -> producers.stream().allMatch(p -> !p.acks().isEmpty()));

                FaultInjector injector = new FaultInjector(cluster, new Random(seed), faultTime,
                        () -> ClusterHealth.awaitHealthy(cluster, admin, TOPIC, PARTITIONS, seed));
                faults = new Thread(injector, "chaos-faults");
                faults.start();
                faults.join(faultTime.plus(RECOVERY).plus(RECOVERY).toMillis());
                if (faults.isAlive()) {
                    throw new AssertionError("fault schedule overran its time, seed " + seed);
                }
                if (injector.failure() != null) {
                    throw new AssertionError("fault schedule failed, seed " + seed, injector.failure());
                }
                cluster.healAll();
                ClusterHealth.awaitHealthy(cluster, admin, TOPIC, PARTITIONS, seed);
                await("acknowledgements after the last fault, seed " + seed).atMost(RECOVERY)
                        .until(() -> producers.stream().flatMap(p -> p.acks().stream())
                                .anyMatch(a -> a.ackedAtNanos() > injector.lastFaultEndNanos()));
                for (AckingProducer producer : producers) {
                    producer.stopSending();
                }

                Map<Integer, NavigableMap<Long, String>> log = readAll(cluster.bootstrap());
                awaitConsumersCaughtUp(consumers, log, seed);
                for (RecordingConsumer consumer : consumers) {
                    consumer.close();
                    assertThat(consumer.failure()).as("consumer failure, seed %d", seed).isNull();
                }

                List<Ack> acks = producers.stream().flatMap(p -> p.acks().stream()).toList();
                List<StoredRecord> consumed = consumers.stream().flatMap(c -> c.seen().stream()).toList();
                List<String> errors = producers.stream().flatMap(p -> p.errors().stream()).toList();
                errors.stream().limit(10).forEach(e -> System.out.println("send error: " + e));
                List<String> violations = ChaosChecker.violations(log, acks, consumed, injector.lastFaultEndNanos());
                ChaosChecker.Gap gap = ChaosChecker.longestGap(acks);
                ChaosReport report = new ChaosReport(seed, faultTime, injector.counts(), injector.uncleanStops(), acks.size(),
                        log.values().stream().mapToLong(Map::size).sum(), consumed.size(), errors.size(),
                        gap.length(), wallClock(gap.fromNanos()));
                assertThat(violations).as("checker violations, %s", report).isEmpty();
                return report;
            } finally {
                if (faults != null && faults.isAlive()) { // the test failed mid-schedule: stop it (it undoes its fault)
                    faults.interrupt();
                    faults.join();
                }
                for (RecordingConsumer consumer : consumers) {
                    consumer.close();
                }
                producers.forEach(AckingProducer::close);
                NodeLogs.keep(cluster, "chaos-logs", seed);
            }
        }
    }

    /** The wall-clock time of a {@link System#nanoTime()} reading of this JVM. */
    private static LocalTime wallClock(long nanos) {
        long ageMs = (System.nanoTime() - nanos) / 1_000_000;
        return LocalTime.now().minus(ageMs, ChronoUnit.MILLIS).truncatedTo(ChronoUnit.MILLIS);
    }

    private static void awaitConsumersCaughtUp(List<RecordingConsumer> consumers,
                                               Map<Integer, NavigableMap<Long, String>> log, long seed) {
        await("consumers read to the end of every partition, seed " + seed).atMost(RECOVERY).until(() -> {
            for (RecordingConsumer c : consumers) {
                if (c.failure() != null) {
                    throw new AssertionError("consumer failed, seed " + seed, c.failure());
                }
            }
            return log.entrySet().stream().allMatch(e -> e.getValue().isEmpty() || consumers.stream()
                    .anyMatch(c -> c.highestOffsets().getOrDefault(e.getKey(), -1L) >= e.getValue().lastKey()));
        });
    }

    /** A fresh read of every partition from its beginning to its end offset: offset to value, by partition. */
    private static Map<Integer, NavigableMap<Long, String>> readAll(String bootstrap) {
        List<TopicPartition> tps = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
        Map<Integer, NavigableMap<Long, String>> log = new TreeMap<>();
        tps.forEach(tp -> log.put(tp.partition(), new TreeMap<>()));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            await().atMost(RECOVERY).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    log.get(r.partition()).put(r.offset(), r.value());
                }
                return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return log;
    }
}
