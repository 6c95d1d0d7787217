package io.runnel.it;

import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka's own command-line and performance tools (kafka-tools) against Runnel. Each tool runs as a separate JVM on
 * the test classpath, because their public entry points call System.exit.
 */
class KafkaToolsIT {
    private static InProcessBroker broker;
    private static Path workDir;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start(Map.of("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "5"));
        workDir = TempDirs.create("runnel-tools-");
    }

    @AfterAll
    static void stop() {
        try {
            broker.close();
        } finally {
            TempDirs.delete(workDir);
        }
    }

    @Test
    void topicCommand() {
        ChildJvm.Result created = tool("org.apache.kafka.tools.TopicCommand", "", "--create", "--topic", "tools-t",
                "--partitions", "2", "--replication-factor", "1", "--config", "retention.ms=60000");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created topic tools-t.");

        assertThat(tool("org.apache.kafka.tools.TopicCommand", "", "--list").lines()).contains("tools-t");

        ChildJvm.Result described = tool("org.apache.kafka.tools.TopicCommand", "", "--describe", "--topic", "tools-t");
        assertThat(described.code()).as(described.err()).isZero();
        assertThat(described.out()).contains("Topic: tools-t", "PartitionCount: 2", "ReplicationFactor: 1",
                "retention.ms=60000", "Partition: 0\tLeader: 1\tReplicas: 1\tIsr: 1", "Partition: 1\tLeader: 1");

        ChildJvm.Result altered = tool("org.apache.kafka.tools.TopicCommand", "", "--alter", "--topic", "tools-t", "--partitions", "3");
        assertThat(altered.code()).as(altered.err()).isZero();
        assertThat(tool("org.apache.kafka.tools.TopicCommand", "", "--describe", "--topic", "tools-t").out())
                .contains("PartitionCount: 3", "Partition: 2\tLeader: 1");

        ChildJvm.Result deleted = tool("org.apache.kafka.tools.TopicCommand", "", "--delete", "--topic", "tools-t");
        assertThat(deleted.code()).as(deleted.err()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(tool("org.apache.kafka.tools.TopicCommand", "", "--list").lines()).doesNotContain("tools-t"));
    }

    @Test
    void getOffsetShell() throws Exception {
        createTopic("tools-offsets");
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>("tools-offsets", 0, 1_000L, null, "a"));
            producer.send(new ProducerRecord<>("tools-offsets", 0, 9_000L, null, "max"));
            producer.send(new ProducerRecord<>("tools-offsets", 0, 2_000L, null, "c"));
            producer.flush();
        }
        assertThat(offsets("-1")).containsExactly("tools-offsets:0:3");
        assertThat(offsets("-2")).containsExactly("tools-offsets:0:0");
        assertThat(offsets("-3")).containsExactly("tools-offsets:0:1");
    }

    @Test
    void deleteRecordsCommand() throws Exception {
        createTopic("tools-trim");
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("tools-trim", 0, null, "r" + i));
            }
            producer.flush();
        }
        Path json = workDir.resolve("delete.json");
        Files.writeString(json, "{\"version\":1,\"partitions\":[{\"topic\":\"tools-trim\",\"partition\":0,\"offset\":3}]}");
        ChildJvm.Result deleted = tool("org.apache.kafka.tools.DeleteRecordsCommand", "", "--offset-json-file", json.toString());
        assertThat(deleted.code()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("partition: tools-trim-0\tlow_watermark: 3");

        ChildJvm.Result earliest = tool("org.apache.kafka.tools.GetOffsetShell", "", "--topic", "tools-trim", "--time", "-2");
        assertThat(earliest.lines()).containsExactly("tools-trim:0:3");
    }

    @Test
    void logDirsCommand() throws Exception {
        createTopic("tools-dirs");
        ChildJvm.Result described = tool("org.apache.kafka.tools.LogDirsCommand", "", "--describe", "--topic-list", "tools-dirs");
        assertThat(described.code()).as(described.err()).isZero();
        assertThat(described.out()).contains("Received log directory information from brokers 1",
                "\"partition\":\"tools-dirs-0\"", "\"logDir\":\"" + broker.spec().dataDir().toString());
    }

    @Test
    void consoleProducerAndConsumer() throws Exception {
        createTopic("tools-console");
        ChildJvm.Result produced = tool("org.apache.kafka.tools.ConsoleProducer", "k1:one\nk2:two\nk3:three\n",
                "--topic", "tools-console", "--property", "parse.key=true", "--property", "key.separator=:");
        assertThat(produced.code()).as(produced.err()).isZero();

        ChildJvm.Result consumed = tool("org.apache.kafka.tools.consumer.ConsoleConsumer", "", "--topic", "tools-console",
                "--partition", "0", "--offset", "earliest", "--max-messages", "3",
                "--formatter-property", "print.key=true", "--formatter-property", "key.separator=:", "--timeout-ms", "30000");
        assertThat(consumed.code()).as(consumed.err()).isZero();
        assertThat(consumed.lines()).containsExactly("k1:one", "k2:two", "k3:three");
        assertThat(consumed.err()).contains("Processed a total of 3 messages");
    }

    private static List<String> offsets(String time) {
        ChildJvm.Result result = tool("org.apache.kafka.tools.GetOffsetShell", "", "--topic", "tools-offsets", "--time", time);
        assertThat(result.code()).as(result.err()).isZero();
        return result.lines();
    }

    private static void createTopic(String name) throws Exception {
        createTopic(name, 1);
    }

    private static void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()),
                new StringSerializer(), new StringSerializer());
    }

    @Test
    void consumerPerformanceReadsATopicThroughAGroup() throws Exception {
        createTopic("tools-perf", 3);
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 20_000; i++) {
                producer.send(new ProducerRecord<>("tools-perf", "record-" + i));
            }
        }
        ChildJvm.Result result = tool("org.apache.kafka.tools.ConsumerPerformance", "", "--topic", "tools-perf",
                "--num-records", "20000", "--group", "perf-group", "--timeout", "30000");
        assertThat(result.code()).as(result.err()).isZero();
        // The data line: start, end, MB, MB/s, records, records/s, ...
        assertThat(result.lines().stream().filter(l -> l.contains(", 20000,"))).hasSize(1);
    }

    @Test
    void endToEndLatencyCompletes() throws Exception {
        createTopic("tools-latency", 1);
        ChildJvm.Result result = tool("org.apache.kafka.tools.EndToEndLatency", "", "--topic", "tools-latency",
                "--num-records", "500", "--producer-acks", "1", "--record-size", "100");
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("Avg latency:", "Percentiles: 50th =");
    }

    /** Runs {@code mainClass} in a new JVM with --bootstrap-server added; waits at most a minute. */
    private static ChildJvm.Result tool(String mainClass, String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap()));
        all.addAll(List.of(args));
        return ChildJvm.run(workDir, Duration.ofSeconds(60), stdin, mainClass, all);
    }
}
