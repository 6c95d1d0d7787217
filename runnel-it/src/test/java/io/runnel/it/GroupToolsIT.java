package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka's group tools against Runnel: ConsumerPerformance (a consumer group reading a topic) and
 * EndToEndLatency (produce, then consume each record) complete; ConsumerGroupCommand
 * (kafka-consumer-groups.sh) lists, describes (offsets, end offsets, lag), resets and deletes a
 * group. Each runs in its own JVM because their entry points call System.exit.
 */
class GroupToolsIT {
    private static InProcessBroker broker;
    private static Path workDir;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start(Map.of("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "5"));
        workDir = TempDirs.create("runnel-group-tools-");
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
    void consumerPerformanceReadsTheTopicThroughAGroup() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("perf", 3, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 20_000; i++) {
                producer.send(new ProducerRecord<>("perf", "record-" + i));
            }
        }
        String out = tool("org.apache.kafka.tools.ConsumerPerformance", "--topic", "perf", "--num-records", "20000",
                "--group", "perf-group", "--timeout", "30000");
        // The data line: start, end, MB, MB/s, records, records/s, ...; 20000 records read.
        assertThat(out.lines().filter(l -> l.contains(", 20000,"))).hasSize(1);
    }

    @Test
    void endToEndLatencyCompletes() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("latency", 1, (short) 1))).all().get();
        }
        String out = tool("org.apache.kafka.tools.EndToEndLatency", "--topic", "latency", "--num-records", "500",
                "--producer-acks", "1", "--record-size", "100");
        assertThat(out).contains("Avg latency:", "Percentiles: 50th =");
    }

    @Test
    void consumerGroupCommandListsDescribesResetsAndDeletesAGroup() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("cgc", 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("cgc", "r" + i));
            }
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(), ConsumerConfig.GROUP_ID_CONFIG, "cgc-group",
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("cgc"));
            int[] read = {0};
            await().atMost(Duration.ofSeconds(30)).until(() -> (read[0] += consumer.poll(Duration.ofMillis(100)).count()) >= 10);
            consumer.commitSync(Map.of(new TopicPartition("cgc", 0), new OffsetAndMetadata(7)));
        }
        String group = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
        assertThat(tool(group, "--list").lines()).contains("cgc-group");
        // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...
        assertThat(tool(group, "--describe", "--group", "cgc-group")).containsPattern("cgc-group\\s+cgc\\s+0\\s+7\\s+10\\s+3");
        assertThat(tool(group, "--reset-offsets", "--group", "cgc-group", "--topic", "cgc", "--to-earliest", "--execute"))
                .containsPattern("cgc\\s+0\\s+0");
        assertThat(tool(group, "--describe", "--group", "cgc-group")).containsPattern("cgc-group\\s+cgc\\s+0\\s+0\\s+10\\s+10");
        assertThat(tool(group, "--delete", "--group", "cgc-group")).contains("Deletion of requested consumer groups ('cgc-group') was successful.");
        assertThat(tool(group, "--list").lines()).doesNotContain("cgc-group");
    }

    /** Runs {@code mainClass} in a new JVM with --bootstrap-server; asserts it exits 0 within a minute. */
    private static String tool(String mainClass, String... args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(workDir, "run-");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass,
                "--bootstrap-server", broker.bootstrap()));
        cmd.addAll(List.of(args));
        Process process = new ProcessBuilder(cmd).redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(mainClass + " did not finish in 60 s: " + Files.readString(dir.resolve("stderr")));
        }
        String out = Files.readString(dir.resolve("stdout"));
        assertThat(process.exitValue()).as(out + Files.readString(dir.resolve("stderr"))).isZero();
        return out;
    }
}
