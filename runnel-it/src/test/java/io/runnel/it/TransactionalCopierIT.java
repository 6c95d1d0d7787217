package io.runnel.it;

import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.runnel.it.TransactionClients.consume;
import static io.runnel.it.TransactionClients.createTopics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka's TransactionalMessageCopier (the tool of Kafka's own transaction system tests) on one
 * in-process broker: it copies a topic in transactions of 20 records with random aborts, is
 * killed with -9 mid-run and started again with the same transactional id; a read_committed
 * consumer then finds every input record exactly once, in order. (kafka-transactions.sh is
 * covered by {@link TransactionsToolsIT}.)
 */
class TransactionalCopierIT {
    private static InProcessBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = InProcessBroker.start(Map.of("transaction.state.log.num.partitions", "5",
                "offsets.topic.num.partitions", "5",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void kafkasTransactionalMessageCopierCopiesExactlyOnceThroughRandomAbortsAndAKill() throws Exception {
        int count = 3000;
        createTopics(broker.bootstrap(), "copy-in", 1, "copy-out", 1);
        List<String> input = new ArrayList<>();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                input.add("m" + i);
                producer.send(new ProducerRecord<>("copy-in", 0, "k" + i, "m" + i));
            }
        }
        List<String> copier = List.of("--broker-list", broker.bootstrap(), "--input-topic", "copy-in",
                "--input-partition", "0", "--output-topic", "copy-out", "--max-messages", String.valueOf(count),
                "--transactional-id", "copier", "--consumer-group", "copier-group", "--transaction-size", "20",
                "--enable-random-aborts", "--transaction-timeout", "5000");
        TopicPartition out = new TopicPartition("copy-out", 0);
        Path workDir = TempDirs.create("runnel-copier-");
        try (Admin admin = broker.admin()) {
            Process first = ChildJvm.start(workDir, "org.apache.kafka.tools.TransactionalMessageCopier", copier);
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.listOffsets(Map.of(out, OffsetSpec.latest()),
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).partitionResult(out).get().offset() > 0);
            } finally {
                first.destroyForcibly().waitFor(); // kill -9, most likely mid-transaction
            }
            // The restarted copier asks its read_committed consumer's position before initTransactions:
            // offsets the killed copier left pending answer UNSTABLE_OFFSET_COMMIT until the coordinator
            // aborts its transaction at the timeout (5 s here), as with Kafka.
            ChildJvm.Result resumed = ChildJvm.run(workDir, Duration.ofSeconds(120), "",
                    "org.apache.kafka.tools.TransactionalMessageCopier", copier);
            assertThat(resumed.code()).as(resumed.err()).isZero();
        } finally {
            TempDirs.delete(workDir);
        }
        assertThat(consume(broker.bootstrap(), "read_committed", List.of("copy-out"), count))
                .as("every input record once, in order").containsExactlyElementsOf(input);
    }
}
