package io.runnel.it;

import io.runnel.cli.Main;
import io.runnel.it.harness.InProcessBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code runnel topics|produce|consume} against an in-process broker, through {@link Main#run}. */
class CliIT {
    private static InProcessBroker broker;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void topicsLifecycle() {
        Result created = run("", "topics", "create", "--topic", "cli-t", "--partitions", "3", "--config", "retention.ms=1000");
        assertThat(created.code).as(created.err).isZero();
        assertThat(created.out).contains("Created topic cli-t.");

        assertThat(run("", "topics", "list").lines()).contains("cli-t");

        Result described = run("", "topics", "describe", "--topic", "cli-t");
        assertThat(described.code).as(described.err).isZero();
        List<String> lines = described.lines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("Topic: cli-t\tTopicId: ")
                .contains("\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention.ms=1000");
        for (int p = 0; p < 3; p++) {
            assertThat(lines.get(p + 1)).isEqualTo("\tTopic: cli-t\tPartition: " + p
                    + "\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ");
        }

        Result altered = run("", "topics", "alter", "--topic", "cli-t", "--partitions", "4",
                "--config", "retention.ms=2000", "--config", "cleanup.policy=compact");
        assertThat(altered.code).as(altered.err).isZero();
        List<String> after = run("", "topics", "describe", "--topic", "cli-t").lines();
        assertThat(after).hasSize(5);
        assertThat(after.get(0)).contains("PartitionCount: 4")
                .endsWith("Configs: cleanup.policy=compact,retention.ms=2000");
        assertThat(after.get(4))
                .isEqualTo("\tTopic: cli-t\tPartition: 3\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ");

        Result deleted = run("", "topics", "delete", "--topic", "cli-t");
        assertThat(deleted.code).as(deleted.err).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(run("", "topics", "list").lines()).doesNotContain("cli-t"));
    }

    @Test
    void produceThenConsumeWithKeysAndHeaders() {
        assertThat(run("", "topics", "create", "--topic", "cli-pc", "--partitions", "2").code).isZero();
        Result produced = run("k1:v1\nk2:v2\nk3:v3\n", "produce", "cli-pc", "--key-separator", ":", "--header", "h=v");
        assertThat(produced.code).as(produced.err).isZero();

        Result consumed = run("", "consume", "cli-pc", "--from-beginning", "--max-messages", "3",
                "--print-key", "--print-headers", "--timeout-ms", "20000");
        assertThat(consumed.code).as(consumed.err).isZero();
        assertThat(consumed.lines()).containsExactlyInAnyOrder("h:v\tk1\tv1", "h:v\tk2\tv2", "h:v\tk3\tv3");
    }

    @Test
    void consumeFromAnOffsetOfOnePartition() {
        assertThat(run("", "topics", "create", "--topic", "cli-off", "--partitions", "2").code).isZero();
        assertThat(run("a\nb\nc\n", "produce", "cli-off", "--partition", "0").code).isZero();

        Result consumed = run("", "consume", "cli-off", "--partition", "0", "--offset", "1",
                "--max-messages", "2", "--timeout-ms", "20000");
        assertThat(consumed.code).as(consumed.err).isZero();
        assertThat(consumed.lines()).containsExactly("b", "c");
    }

    @Test
    void consumeFromATime() {
        assertThat(run("", "topics", "create", "--topic", "cli-time", "--partitions", "1").code).isZero();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("cli-time", 0, 1_000L, null, "one"));
            producer.send(new ProducerRecord<>("cli-time", 0, 2_000L, null, "two"));
            producer.send(new ProducerRecord<>("cli-time", 0, 3_000L, null, "three"));
            producer.flush();
        }
        Result consumed = run("", "consume", "cli-time", "--from-time", "2000", "--max-messages", "2", "--timeout-ms", "20000");
        assertThat(consumed.code).as(consumed.err).isZero();
        assertThat(consumed.lines()).containsExactly("two", "three");

        Result iso = run("", "consume", "cli-time", "--from-time", "1970-01-01T00:00:02.500Z",
                "--max-messages", "1", "--timeout-ms", "20000");
        assertThat(iso.code).as(iso.err).isZero();
        assertThat(iso.lines()).containsExactly("three");
    }

    @Test
    void unknownTopicIsARunTimeFailure() {
        assertOneError(run("", "topics", "describe", "--topic", "cli-nope"), 1);
        assertOneError(run("", "consume", "cli-nope", "--from-beginning", "--max-messages", "1", "--timeout-ms", "5000"), 1);
        assertOneError(run("", "topics", "delete", "--topic", "cli-nope"), 1);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertOneError(run("", "topics", "create", "--partitions", "1"), 2);
        assertOneError(run("", "topics", "create", "--topic", "x", "--partitions", "many"), 2);
        assertOneError(run("", "consume", "cli-any", "--offset", "1"), 2);
        assertOneError(run("", "consume", "cli-any", "--max-messages", "0"), 2);
        assertOneError(run("", "topics", "frobnicate"), 2);
    }

    private static void assertOneError(Result result, int code) {
        assertThat(result.code).as(result.err).isEqualTo(code);
        List<String> errLines = result.err.lines().toList();
        assertThat(errLines).as(result.err).hasSize(1);
        assertThat(errLines.get(0)).startsWith("runnel: ");
    }

    private static Result run(String stdin, String... args) {
        List<String> full = new ArrayList<>(List.of(args));
        full.add("--bootstrap-server");
        full.add(broker.bootstrap());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(full.toArray(String[]::new), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }
}
