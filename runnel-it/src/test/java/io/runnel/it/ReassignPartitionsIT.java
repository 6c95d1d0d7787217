package io.runnel.it;

import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.SharedCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka 4.4's {@code kafka-reassign-partitions.sh} (ReassignPartitionsCommand, run as a separate
 * JVM because it calls System.exit) against a three-node cluster: --generate, --execute,
 * --verify and --cancel, a move under an acks=all producer, and a throttled move (KIP-73).
 * Every test leaves the cluster with all three nodes ready.
 */
class ReassignPartitionsIT {
    private static final String TOOL = "org.apache.kafka.tools.reassign.ReassignPartitionsCommand";
    /** replica.fetch.max.bytes: the most one throttled fetch can overshoot its quota by. */
    private static final int FETCH_MAX_BYTES = 64 * 1024;
    private static final List<String> THROTTLE_RATES =
            List.of("leader.replication.throttled.rate", "follower.replication.throttled.rate");

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(3, Map.of("broker.session.timeout.ms", "3000",
            "broker.heartbeat.interval.ms", "500", "replica.fetch.max.bytes", String.valueOf(FETCH_MAX_BYTES)));

    @Test
    void aPartitionMovesAwayFromItsLeaderWhileAnAcksAllProducerRunsAndLosesNothing() throws Exception {
        String topic = "moved";
        try (Admin admin = CLUSTER.get().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(1, 2))))).all().get();
            awaitPartition(admin, topic, List.of(1, 2), 1);

            ChildJvm.Result generated = tool("--generate", "--topics-to-move-json-file",
                    json("topics.json", "{\"version\":1,\"topics\":[{\"topic\":\"" + topic + "\"}]}"),
                    "--broker-list", "2,3");
            assertThat(generated.code()).as(generated.err()).isZero();
            assertThat(generated.out()).contains("Current partition replica assignment",
                    "Proposed partition reassignment configuration", "\"topic\":\"" + topic + "\"");

            ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread producer = new Thread(() -> produce(topic, producing, acknowledged), "acks-all-producer");
            producer.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 200);
                String plan = json("move.json", assignment(topic, List.of(2, 3)));
                ChildJvm.Result executed = tool("--execute", "--reassignment-json-file", plan);
                assertThat(executed.code()).as(executed.out() + executed.err()).isZero();
                assertThat(executed.out()).contains("Successfully started partition reassignment for " + topic + "-0");

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(tool("--verify", "--reassignment-json-file", plan).out())
                                .contains("Reassignment of partition " + topic + "-0 is completed"));
                int before = acknowledged.size();
                await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= before + 200);
            } finally {
                producing.set(false);
                producer.join(60_000);
            }

            TopicPartitionInfo moved = awaitPartition(admin, topic, List.of(2, 3), 2);
            assertThat(moved.isr()).extracting(Node::id).containsExactlyInAnyOrder(2, 3);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    !Files.exists(CLUSTER.get().node(1).dataDir().resolve(topic + "-0")));
            assertThat(consumeAll(topic)).containsAll(acknowledged);
        }
    }

    @Test
    void cancelRevertsAReassignmentWhoseNewReplicaCannotCatchUp() throws Exception {
        String topic = "cancelled";
        try (Admin admin = CLUSTER.get().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(1, 2))))).all().get();
            awaitPartition(admin, topic, List.of(1, 2), 1);
            String plan = json("cancel.json", assignment(topic, List.of(1, 3)));
            // Node 3 stays live but cannot fetch from the leader, so it never joins the ISR.
            CLUSTER.get().link(1, 3).replicationProxy(3).cut();
            try {
                ChildJvm.Result executed = tool("--execute", "--reassignment-json-file", plan);
                assertThat(executed.code()).as(executed.out() + executed.err()).isZero();
                assertThat(admin.listPartitionReassignments().reassignments().get())
                        .containsKey(new TopicPartition(topic, 0));
                ChildJvm.Result verified = tool("--verify", "--reassignment-json-file", plan);
                assertThat(verified.out()).contains("Reassignment of partition " + topic + "-0 is still in progress");

                ChildJvm.Result cancelled = tool("--cancel", "--reassignment-json-file", plan);
                assertThat(cancelled.code()).as(cancelled.out() + cancelled.err()).isZero();
                assertThat(cancelled.out()).contains("Successfully cancelled partition reassignment");
            } finally {
                CLUSTER.get().link(1, 3).replicationProxy(3).heal();
            }
            CLUSTER.get().waitForClusterReady();
            assertThat(admin.listPartitionReassignments().reassignments().get()).isEmpty();
            TopicPartitionInfo reverted = awaitPartition(admin, topic, List.of(1, 2), 1);
            assertThat(reverted.isr()).extracting(Node::id).containsExactlyInAnyOrder(1, 2);
        }
    }

    @Test
    void aThrottledMoveTakesAtLeastItsBytesOverTheRateAndVerifyClearsTheThrottle() throws Exception {
        String topic = "throttled";
        try (Admin admin = CLUSTER.get().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(1, 2))))).all().get();
            awaitPartition(admin, topic, List.of(1, 2), 1);
            long bytes = produceBytes(topic, 3 * 1024 * 1024);
            long rate = 512 * 1024;
            String plan = json("throttled.json", assignment(topic, List.of(1, 3)));

            long startNs = System.nanoTime();
            ChildJvm.Result executed = tool("--execute", "--reassignment-json-file", plan, "--throttle", String.valueOf(rate));
            assertThat(executed.code()).as(executed.out() + executed.err()).isZero();
            assertThat(executed.out()).contains("The inter-broker throttle limit was set to " + rate + " B/s");
            assertThat(brokerConfig(admin, 3, "follower.replication.throttled.rate")).isEqualTo(String.valueOf(rate));
            ChildJvm.Result[] verified = new ChildJvm.Result[1];
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                verified[0] = tool("--verify", "--reassignment-json-file", plan);
                return verified[0].out().contains("Reassignment of partition " + topic + "-0 is completed");
            });
            double seconds = (System.nanoTime() - startNs) / 1e9;
            // A lower bound, not a timing target: one fetch may overshoot the quota before it is repaid.
            assertThat(seconds).isGreaterThanOrEqualTo((double) (bytes - FETCH_MAX_BYTES) / rate);
            assertThat(verified[0].out()).contains("Clearing broker-level throttles", "Clearing topic-level throttles");
            assertThat(brokerConfig(admin, 3, "follower.replication.throttled.rate")).isNull();
            assertThat(awaitPartition(admin, topic, List.of(1, 3), 1).isr()).extracting(Node::id)
                    .containsExactlyInAnyOrder(1, 3);
        }
    }

    @Test
    void aMoveStalledByItsThrottleCompletesOnceTheThrottleIsRemoved() throws Exception {
        String topic = "stalled";
        try (Admin admin = CLUSTER.get().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(1, 2))))).all().get();
            awaitPartition(admin, topic, List.of(1, 2), 1);
            produceBytes(topic, 2 * 1024 * 1024);
            String plan = json("stalled.json", assignment(topic, List.of(1, 3)));
            try {
                ChildJvm.Result executed = tool("--execute", "--reassignment-json-file", plan, "--throttle", "1000");
                assertThat(executed.code()).as(executed.out() + executed.err()).isZero();
                ChildJvm.Result verified = tool("--verify", "--reassignment-json-file", plan);
                assertThat(verified.out()).contains("Reassignment of partition " + topic + "-0 is still in progress");
                assertThat(admin.listPartitionReassignments().reassignments().get())
                        .containsKey(new TopicPartition(topic, 0));
            } finally {
                removeThrottleRates();
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(admin.listPartitionReassignments().reassignments().get()).isEmpty());
            assertThat(awaitPartition(admin, topic, List.of(1, 3), 1).isr()).extracting(Node::id)
                    .containsExactlyInAnyOrder(1, 3);
        }
    }

    /** Produces incompressible 1000-byte values to partition 0 until {@code atLeast} value bytes are acknowledged. */
    private static long produceBytes(String topic, long atLeast) {
        Random random = new Random(42);
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.get().bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            while (sent < atLeast) {
                byte[] value = new byte[1000];
                random.nextBytes(value);
                producer.send(new ProducerRecord<>(topic, 0, null, value));
                sent += value.length;
            }
            producer.flush();
        }
        return sent;
    }

    private static String brokerConfig(Admin admin, int brokerId, String key) throws Exception {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(brokerId));
        ConfigEntry entry = admin.describeConfigs(List.of(broker)).all().get().get(broker).get(key);
        return entry == null || entry.source() != ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG ? null : entry.value();
    }

    /** Deletes both throttle rates of every broker with kafka-configs.sh (ConfigCommand). */
    private static void removeThrottleRates() {
        for (int id = 1; id <= 3; id++) {
            ChildJvm.Result deleted = ChildJvm.run(CLUSTER.workDir(), Duration.ofSeconds(60), "", "org.apache.kafka.tools.ConfigCommand",
                    List.of("--bootstrap-server", CLUSTER.get().node(1).bootstrap(), "--alter", "--entity-type", "brokers",
                            "--entity-name", String.valueOf(id), "--delete-config", String.join(",", THROTTLE_RATES)));
            assertThat(deleted.code()).as(deleted.out() + deleted.err()).isZero();
        }
    }

    /** Produces "v-0", "v-1"... with acks=all until {@code producing} turns false, noting each acknowledged value. */
    private static void produce(String topic, AtomicBoolean producing, ConcurrentLinkedQueue<String> acknowledged) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.get().bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "2",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; producing.get(); i++) {
                String value = "v-" + i;
                producer.send(new ProducerRecord<>(topic, 0, null, value), (metadata, error) -> {
                    if (error == null) {
                        acknowledged.add(value);
                    }
                });
                if (i % 50 == 49) {
                    producer.flush();
                }
            }
            producer.flush();
        }
    }

    private static Set<String> consumeAll(String topic) {
        Set<String> values = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.get().bootstrap(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return consumer.position(tp) >= end;
            });
        }
        return values;
    }

    /** Waits until partition 0 of {@code topic} has {@code replicas} in that order and {@code leader}. */
    private static TopicPartitionInfo awaitPartition(Admin admin, String topic, List<Integer> replicas, int leader) {
        TopicPartitionInfo[] seen = new TopicPartitionInfo[1];
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            TopicPartitionInfo p = description.partitions().get(0);
            assertThat(p.replicas()).extracting(Node::id).containsExactlyElementsOf(replicas);
            assertThat(p.leader().id()).isEqualTo(leader);
            assertThat(p.isr()).hasSameSizeAs(replicas);
            seen[0] = p;
        });
        return seen[0];
    }

    private static String assignment(String topic, List<Integer> replicas) {
        List<String> ids = new ArrayList<>();
        replicas.forEach(id -> ids.add(String.valueOf(id)));
        return "{\"version\":1,\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"replicas\":["
                + String.join(",", ids) + "]}]}";
    }

    private static String json(String name, String content) {
        Path file = CLUSTER.workDir().resolve(name);
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toString();
    }

    private static ChildJvm.Result tool(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", CLUSTER.get().node(1).bootstrap()));
        all.addAll(List.of(args));
        return ChildJvm.run(CLUSTER.workDir(), Duration.ofSeconds(60), "", TOOL, all);
    }
}
