package io.runnel.cli.console;

import io.runnel.cli.CliRun;
import io.runnel.cli.TestClients;
import io.runnel.cli.TickingTime;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumeCommandTest {
    private static final String TOPIC = "events";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    private final TestClients clients = new TestClients();

    @BeforeEach
    void twoPartitionsWithThreeRecordsEach() {
        Node node = new Node(1, "localhost", 9092);
        Node[] replicas = {node};
        clients.consumer.updatePartitions(TOPIC, List.of(
                new PartitionInfo(TOPIC, 0, node, replicas, replicas),
                new PartitionInfo(TOPIC, 1, node, replicas, replicas)));
        clients.consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        clients.consumer.updateEndOffsets(Map.of(P0, 3L, P1, 3L));
    }

    /** Adds the records once the command has assigned and positioned the consumer. */
    @SafeVarargs
    private final void onFirstPoll(ConsumerRecord<byte[], byte[]>... records) {
        clients.consumer.schedulePollTask(() -> {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (clients.consumer.position(new TopicPartition(record.topic(), record.partition())) <= record.offset()) {
                    clients.consumer.addRecord(record);
                }
            }
        });
    }

    private CliRun.Result consume(String... args) {
        return CliRun.run(clients, new TickingTime(100), "", args);
    }

    @Test
    void printsValuesFromTheBeginningUntilMaxMessages() {
        onFirstPoll(record(P0, 0, "k0", "a"), record(P0, 1, null, "b"), record(P0, 2, "k2", "c"));

        CliRun.Result result = consume("consume", TOPIC, "--from-beginning", "--max-messages", "2");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("a\nb\n");
        assertThat(result.err()).isEmpty();
        assertThat(clients.consumer.assignment()).containsExactlyInAnyOrder(P0, P1);
        assertThat(clients.consumer.closed()).isTrue();
        assertThat(clients.consumerProps).containsEntry("enable.auto.commit", "false")
                .containsEntry("auto.offset.reset", "earliest")
                .doesNotContainKey("group.id");
    }

    @Test
    void printsHeadersAndKeysWithTheSeparator() {
        ConsumerRecord<byte[], byte[]> withHeaders = new ConsumerRecord<>(TOPIC, 0, 0, 0L, TimestampType.CREATE_TIME,
                -1, -1, bytes("k"), bytes("v"),
                new RecordHeaders(List.of(new RecordHeader("h1", bytes("x")), new RecordHeader("h2", bytes("y")))),
                Optional.empty());
        onFirstPoll(withHeaders, record(P0, 1, null, "w"));

        CliRun.Result result = consume("consume", TOPIC, "--from-beginning", "--max-messages", "2",
                "--print-headers", "--print-key", "--key-separator", " | ");

        assertThat(result.out()).isEqualTo("h1:x,h2:y | k | v\nNO_HEADERS | null | w\n");
    }

    @Test
    void defaultStartIsTheEndOfTheLog() {
        onFirstPoll(record(P0, 2, "k", "old"), record(P1, 3, "k", "new"));

        CliRun.Result result = consume("consume", TOPIC, "--max-messages", "1");

        assertThat(result.out()).isEqualTo("new\n");
    }

    @Test
    void offsetOfOnePartition() {
        onFirstPoll(record(P1, 0, null, "p1-0"), record(P1, 1, null, "p1-1"), record(P1, 2, null, "p1-2"));

        CliRun.Result result = consume("consume", TOPIC, "--partition", "1", "--offset", "1", "--max-messages", "2");

        assertThat(result.out()).isEqualTo("p1-1\np1-2\n");
        assertThat(clients.consumer.assignment()).containsExactly(P1);
    }

    @Test
    void exitsWhenNoRecordCameForTheTimeout() {
        onFirstPoll(record(P0, 0, null, "only"));

        CliRun.Result result = consume("consume", TOPIC, "--from-beginning", "--timeout-ms", "1000");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("only\n");
    }

    @Test
    void unknownTopicFailsInOneLine() {
        CliRun.Result result = consume("consume", "nope", "--timeout-ms", "1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("runnel: topic 'nope' does not exist");
    }

    @Test
    void unknownPartitionFailsInOneLine() {
        CliRun.Result result = CliRun.run(clients, Time.SYSTEM, "", "consume", TOPIC, "--partition", "7");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly("runnel: topic 'events' has no partition 7 (it has 2)");
    }

    @Test
    void conflictingStartOptionsAreUsageErrors() {
        assertUsage(consume("consume", TOPIC, "--offset", "3"), "--offset needs --partition");
        assertUsage(consume("consume", TOPIC, "--partition", "0", "--offset", "3", "--from-beginning"), "at most one");
        assertUsage(consume("consume", TOPIC, "--from-time", "0", "--from-beginning"), "at most one");
        assertUsage(consume("consume", TOPIC, "--partition", "0", "--offset", "-1"), "--offset");
        assertUsage(consume("consume", TOPIC, "--from-time", "yesterday"), "--from-time");
        assertUsage(consume("consume", TOPIC, "--max-messages", "0"), "--max-messages");
        assertThat(clients.consumerProps).isNull();
    }

    private static void assertUsage(CliRun.Result result, String fragment) {
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines()).singleElement().asString().startsWith("runnel: ").contains(fragment);
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset, String key, String value) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, key == null ? null : bytes(key), bytes(value));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
