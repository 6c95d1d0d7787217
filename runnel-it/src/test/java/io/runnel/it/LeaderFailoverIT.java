package io.runnel.it;

import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.ClusterNode;
import io.runnel.it.harness.SharedCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failover of a replicated partition under Kafka's VerifiableProducer ({@code acks=all},
 * {@code min.insync.replicas=2}, replication factor 3, default client and broker settings): the
 * leader killed with -9, stopped with SIGTERM, paused past its session or cut off from the other
 * nodes (its Raft and replication links; clients still reach it) mid-run, and two of three nodes
 * lost. Every record the producer saw acknowledged must be in the log at the offset it was
 * acknowledged with, once.
 *
 * <p>VerifiableProducer sets {@code retries=0} (every transient error becomes a send error); the
 * runs here give it the producer's defaults back ({@code retries} MAX_INT, idempotence on) through
 * {@code --command-config}, as an application would run.
 */
class LeaderFailoverIT {
    private static final Pattern TIMESTAMP = Pattern.compile("\"timestamp\":(\\d+)");
    private static final Pattern VALUE = Pattern.compile("\"value\":\"(\\d+)\"");
    private static final Pattern OFFSET = Pattern.compile("\"offset\":(\\d+)");
    private static final Pattern PARTITION = Pattern.compile("\"partition\":(\\d+)");
    private static final int MESSAGES = 12_000;
    private static final int THROUGHPUT = 1_500;

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(3, Map.of());

    @Test
    void killingTheLeaderLosesNoAcknowledgedRecord() throws Exception {
        Run run = failOverDuringLoad("kill9", ClusterNode::kill9);

        assertThat(run.errors()).as("send errors").isEmpty();
        assertThat(run.acknowledged()).hasSize(MESSAGES);
        System.out.printf("kill -9 of the leader: the longest acknowledgement took %d ms%n", run.stallMs());
        // The target is 3 s (Kafka 4.4: about broker.session.timeout.ms, 9 s); the bound here
        // leaves room for a loaded CI machine and still fails if fencing waited for Kafka's session.
        assertThat(run.stallMs()).isLessThan(8_000);
    }

    @Test
    void stoppingTheLeaderCausesNoSendError() throws Exception {
        Run run = failOverDuringLoad("sigterm", node -> assertThat(node.stop()).isEqualTo(143));

        assertThat(run.errors()).as("send errors").isEmpty();
        assertThat(run.acknowledged()).hasSize(MESSAGES);
        System.out.printf("SIGTERM of the leader: the longest acknowledgement took %d ms%n", run.stallMs());
    }

    @Test
    void aLeaderPausedPastItsSessionAcknowledgesNothingStaleWhenItResumes() throws Exception {
        Run run = failOverDuringLoad("pause", node -> {
            node.pause();
            try {
                ClusterNode other = CLUSTER.get().nodes().stream().filter(n -> n.id() != node.id()).findFirst().orElseThrow();
                await().atMost(Duration.ofSeconds(30)).until(() -> !other.describeCluster().brokers().contains(node.id()));
            } finally {
                node.resume();
            }
        });

        // The resumed node still believes it leads until it replays the new metadata; whatever it
        // appended meanwhile could not reach the ISR, so nothing it answered may be missing now.
        assertThat(run.errors()).as("send errors").isEmpty();
        assertThat(run.acknowledged()).hasSize(MESSAGES);
        System.out.printf("SIGSTOP of the leader past its session: the longest acknowledgement took %d ms%n", run.stallMs());
    }

    @Test
    void aLeaderCutOffFromTheQuorumAcknowledgesNothingTheOthersLose() throws Exception {
        Run run = failOverDuringLoad("isolate", node -> {
            CLUSTER.get().isolate(node.id());
            try {
                ClusterNode other = CLUSTER.get().nodes().stream().filter(n -> n.id() != node.id()).findFirst().orElseThrow();
                await().atMost(Duration.ofSeconds(30)).until(() -> !other.describeCluster().brokers().contains(node.id()));
            } finally {
                CLUSTER.get().healAll();
            }
        });

        // Clients still reach the cut-off leader; it cannot get acks=all writes to its followers,
        // so it acknowledges none until it learns of the new leader, and nothing it answered is lost.
        assertThat(run.errors()).as("send errors").isEmpty();
        assertThat(run.acknowledged()).hasSize(MESSAGES);
        System.out.printf("Leader cut off from the quorum: the longest acknowledgement took %d ms%n", run.stallMs());
    }

    @Test
    void withTwoOfThreeNodesDownAcksAllFailsAndNothingIsLost() throws Exception {
        String topic = "two-down";
        createTopic(topic, 1);
        int leader = leaderOf(topic, 0);
        List<ClusterNode> followers = CLUSTER.get().nodes().stream().filter(n -> n.id() != leader).toList();
        List<String> acknowledged = new ArrayList<>();
        // No retries, so every failed attempt is seen: none may succeed while two replicas are down.
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.RETRIES_CONFIG, 0,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000))) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "before-" + i)).get();
                acknowledged.add("before-" + i);
            }
            try {
                followers.forEach(ClusterNode::kill9);
                // The quorum is lost too, so the ISR cannot shrink: the leader refuses once it has
                // seen the followers lag for replica.lag.time.max.ms (30 s); until then sends time out.
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    try {
                        producer.send(new ProducerRecord<>(topic, 0, null, "while-down")).get();
                        throw new AssertionError("acks=all succeeded with one live replica of three");
                    } catch (ExecutionException e) {
                        return e.getCause() instanceof NotEnoughReplicasException;
                    }
                });
            } finally {
                followers.forEach(ClusterNode::restart);
            }
        }
        CLUSTER.get().waitForClusterReady();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> isr(topic, 0).size() == 3);
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, 0, null, "after")).get(60, TimeUnit.SECONDS);
            acknowledged.add("after");
        }
        List<String> stored = new ArrayList<>();
        readAll(topic, 1).forEach(r -> stored.add(r.value()));
        // Attempts that timed out may still have been appended by the leader and replicated later,
        // as in Kafka: they were never acknowledged, so their presence is allowed either way.
        assertThat(stored).containsSubsequence(acknowledged);
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.get().bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"));
        config.putAll(overrides);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** One producer run over a fresh topic; {@code fault} hits the leader of partition 0 once a third is acknowledged. */
    private Run failOverDuringLoad(String topic, Fault fault) throws Exception {
        createTopic(topic, 3);
        Path dir = Files.createTempDirectory(CLUSTER.workDir(), topic + "-");
        Path producerDefaults = Files.writeString(dir.resolve("producer.properties"),
                "retries=" + Integer.MAX_VALUE + "\nenable.idempotence=true\n");
        Process producer = ChildJvm.start(dir, "org.apache.kafka.tools.VerifiableProducer", List.of(
                "--bootstrap-server", CLUSTER.get().bootstrap(), "--topic", topic, "--acks", "-1",
                "--command-config", producerDefaults.toString(),
                "--max-messages", String.valueOf(MESSAGES), "--throughput", String.valueOf(THROUGHPUT)));
        ClusterNode victim = CLUSTER.get().node(leaderOf(topic, 0));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> successes(dir.resolve("stdout")) >= MESSAGES / 3);
            fault.hit(victim);
            assertThat(producer.waitFor(120, TimeUnit.SECONDS)).as("producer finished").isTrue();
        } finally {
            producer.destroyForcibly().waitFor();
            victim.restart();
        }
        Map<TopicPartition, Map<Long, String>> stored = new HashMap<>();
        List<ConsumerRecord<String, String>> records = readAll(topic, 3);
        records.forEach(r -> stored.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), p -> new HashMap<>())
                .put(r.offset(), r.value()));
        assertThat(records.stream().map(ConsumerRecord::value).distinct().count()).as("no record stored twice")
                .isEqualTo(records.size());
        Map<String, Long> sendTimes = new HashMap<>();
        records.forEach(r -> sendTimes.put(r.value(), r.timestamp()));
        Run run = Run.parse(Files.readAllLines(dir.resolve("stdout")), sendTimes);
        for (Ack ack : run.acknowledged()) {
            assertThat(stored.getOrDefault(new TopicPartition(topic, ack.partition()), Map.of()).get(ack.offset()))
                    .as("acknowledged record %s", ack).isEqualTo(ack.value());
        }
        return run;
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = CLUSTER.get().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get();
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            for (int p = 0; p < partitions; p++) {
                if (isr(topic, p).size() != 3) {
                    return false;
                }
            }
            return true;
        });
    }

    private static TopicPartitionInfo partition(String topic, int partition) throws Exception {
        try (Admin admin = CLUSTER.get().admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return description.partitions().get(partition);
        }
    }

    private static int leaderOf(String topic, int partition) throws Exception {
        return partition(topic, partition).leader().id();
    }

    private static List<?> isr(String topic, int partition) throws Exception {
        return partition(topic, partition).isr();
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic, int partitions) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.get().bootstrap()), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return records;
    }

    private static long successes(Path stdout) {
        try {
            return Files.readAllLines(stdout).stream().filter(l -> l.contains("\"producer_send_success\"")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface Fault {
        void hit(ClusterNode node) throws Exception;
    }

    private record Ack(long timeMs, String value, long offset, int partition) {
    }

    /**
     * What VerifiableProducer printed: acknowledged records in order, and every send error line;
     * and when each stored record was sent, by value.
     */
    private record Run(List<Ack> acknowledged, List<String> errors, Map<String, Long> sendTimes) {
        static Run parse(List<String> lines, Map<String, Long> sendTimes) {
            List<Ack> acks = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            for (String line : lines) {
                if (line.contains("\"producer_send_success\"")) {
                    acks.add(new Ack(Long.parseLong(field(TIMESTAMP, line)), field(VALUE, line),
                            Long.parseLong(field(OFFSET, line)), Integer.parseInt(field(PARTITION, line))));
                } else if (line.contains("\"producer_send_error\"")) {
                    errors.add(line);
                }
            }
            return new Run(acks, errors, sendTimes);
        }

        private static String field(Pattern pattern, String line) {
            Matcher m = pattern.matcher(line);
            if (!m.find()) {
                throw new AssertionError("no " + pattern + " in VerifiableProducer's line " + line);
            }
            return m.group(1);
        }

        /**
         * The producer's longest stall: the longest any record waited between its send (its
         * CreateTime timestamp, set by the producer) and its acknowledgement. A record sent when
         * the fault hit waits for the whole failover; gaps between acknowledgements would instead
         * count the sticky partitioner's visits to other partitions, or hide one stuck partition
         * behind the others.
         */
        long stallMs() {
            return acknowledged.stream().mapToLong(ack -> ack.timeMs() - sendTimes.get(ack.value())).max().orElse(0);
        }
    }
}
