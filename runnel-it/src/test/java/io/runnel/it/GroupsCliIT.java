package io.runnel.it;

import io.runnel.cli.Main;
import io.runnel.it.harness.BrokerProcess;
import io.runnel.it.harness.BrokerSpec;
import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consumer lag as operators see it: {@code runnel groups} and Kafka 4.4's kafka-consumer-groups.sh
 * (ConsumerGroupCommand) against the same broker show the same committed offsets, end offsets and
 * lag, also after the broker was killed with kill -9 and restarted; reset-offsets and delete work
 * from both tools.
 */
class GroupsCliIT {
    private static final String TOPIC = "lag-t";
    private static final String GROUP = "lag-g";
    private static final String GCC = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    private static BrokerProcess broker;
    private static Path workDir;

    @BeforeAll
    static void start() throws Exception {
        workDir = TempDirs.create("runnel-groups-cli-");
        broker = BrokerProcess.start(BrokerSpec.fresh(Map.of("group.initial.rebalance.delay.ms", "0")));
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringSerializer(), new StringSerializer())) {
            for (int partition = 0; partition < 3; partition++) {
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, partition, "k" + i, "v" + i));
                }
            }
            producer.flush();
        }
        // A member of the group commits 10 on partition 0 and 30 on partition 1; partition 2 stays uncommitted.
        try (KafkaConsumer<String, String> consumer = consumer(GROUP)) {
            consumer.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == 3;
            });
            consumer.commitSync(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(10),
                    new TopicPartition(TOPIC, 1), new OffsetAndMetadata(30)));
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            TempDirs.delete(workDir);
        }
    }

    @Test
    void bothToolsShowTheSameLagAlsoAfterKill9() {
        Map<Integer, String> expected = Map.of(0, "10 30 20", 1, "30 30 0");
        assertThat(runnelLag()).isEqualTo(expected);
        assertThat(kafkaToolLag()).isEqualTo(expected);
        assertThat(runnel("groups", "describe", "--group", GROUP).out).contains("State: Empty", "Total lag: 20");

        broker.kill9();
        broker.restart();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(runnelLag()).isEqualTo(expected));
        assertThat(kafkaToolLag()).isEqualTo(expected);
        ChildJvm.Result listed = kafkaTool("--list", "--state");
        assertThat(listed.code()).as(listed.err()).isZero();
        assertThat(listed.out()).containsPattern(GROUP + "\\s+Empty");
        assertThat(runnel("groups", "list").out).containsPattern(GROUP + "\\s+classic\\s+Empty");
    }

    @Test
    void resetOffsetsIsADryRunUnlessExecutedAndRefusesAnActiveGroup() throws Exception {
        String group = "reset-g";
        commit(group, Map.of(0, 20L, 1, 20L, 2, 20L));

        Cli dryRun = runnel("groups", "reset-offsets", "--group", group, "--topic", TOPIC, "--to-earliest");
        assertThat(dryRun.code).as(dryRun.err).isZero();
        assertThat(dryRun.out).containsPattern(group + "\\s+" + TOPIC + "\\s+0\\s+0").contains("dry run");
        assertThat(committed(group)).containsEntry(0, 20L);

        Cli shifted = runnel("groups", "reset-offsets", "--group", group, "--topic", TOPIC + ":1", "--shift-by", "-5", "--execute");
        assertThat(shifted.code).as(shifted.err).isZero();
        ChildJvm.Result kafkaReset = kafkaTool("--reset-offsets", "--group", group, "--topic", TOPIC + ":2",
                "--to-offset", "3", "--execute");
        assertThat(kafkaReset.code()).as(kafkaReset.err()).isZero();
        assertThat(committed(group)).isEqualTo(Map.of(0, 20L, 1, 15L, 2, 3L));

        Cli latest = runnel("groups", "reset-offsets", "--group", group, "--all-topics", "--to-latest", "--execute");
        assertThat(latest.code).as(latest.err).isZero();
        assertThat(committed(group)).isEqualTo(Map.of(0, 30L, 1, 30L, 2, 30L));

        try (KafkaConsumer<String, String> active = consumer(group)) {
            active.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                active.poll(Duration.ofMillis(100));
                return !active.assignment().isEmpty();
            });
            Cli refused = runnel("groups", "reset-offsets", "--group", group, "--all-topics", "--to-earliest", "--execute");
            assertThat(refused.code).isEqualTo(1);
            assertThat(refused.err.lines().toList()).hasSize(1).first().asString()
                    .startsWith("runnel: group '" + group + "' is Stable");
        }
        assertThat(committed(group)).isEqualTo(Map.of(0, 30L, 1, 30L, 2, 30L));
    }

    @Test
    void deleteFromEitherTool() throws Exception {
        commit("del-a", Map.of(0, 1L));
        commit("del-b", Map.of(0, 1L));

        Cli deleted = runnel("groups", "delete", "--group", "del-a");
        assertThat(deleted.code).as(deleted.err).isZero();
        assertThat(deleted.out).contains("Deleted group 'del-a'.");
        ChildJvm.Result kafkaDeleted = kafkaTool("--delete", "--group", "del-b");
        assertThat(kafkaDeleted.code()).as(kafkaDeleted.err()).isZero();
        assertThat(kafkaDeleted.out()).contains("successful");

        assertThat(runnel("groups", "list").out).doesNotContain("del-a", "del-b");
        Cli gone = runnel("groups", "describe", "--group", "del-a");
        assertThat(gone.code).isEqualTo(1);
        assertThat(gone.err).startsWith("runnel: group 'del-a' does not exist");
    }

    /** Partition -> "committed end lag" from {@code runnel groups describe}. */
    private static Map<Integer, String> runnelLag() {
        Cli described = runnel("groups", "describe", "--group", GROUP);
        assertThat(described.code).as(described.err).isZero();
        return lagRows(described.out.lines().toList());
    }

    /** Partition -> "committed end lag" from kafka-consumer-groups.sh --describe. */
    private static Map<Integer, String> kafkaToolLag() {
        ChildJvm.Result described = kafkaTool("--describe", "--group", GROUP);
        assertThat(described.code()).as(described.err()).isZero();
        return lagRows(described.lines());
    }

    /** Rows "GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ..." with a committed offset. */
    private static Map<Integer, String> lagRows(List<String> lines) {
        Map<Integer, String> rows = new HashMap<>();
        for (String line : lines) {
            String[] cells = line.trim().split("\\s+");
            if (cells.length >= 6 && cells[0].equals(GROUP) && cells[1].equals(TOPIC) && !cells[3].equals("-")) {
                rows.put(Integer.parseInt(cells[2]), cells[3] + " " + cells[4] + " " + cells[5]);
            }
        }
        return rows;
    }

    private static void commit(String group, Map<Integer, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((p, o) -> commit.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(o)));
        try (Admin admin = admin()) {
            admin.alterConsumerGroupOffsets(group, commit).all().get();
        }
    }

    private static Map<Integer, Long> committed(String group) throws Exception {
        try (Admin admin = admin()) {
            Map<Integer, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, o) -> offsets.put(tp.partition(), o.offset()));
            return offsets;
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private static ChildJvm.Result kafkaTool(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap()));
        all.addAll(List.of(args));
        return ChildJvm.run(workDir, Duration.ofSeconds(60), "", GCC, all);
    }

    private record Cli(int code, String out, String err) {
    }

    private static Cli runnel(String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        full.add("--bootstrap-server");
        full.add(broker.bootstrap());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(full.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
