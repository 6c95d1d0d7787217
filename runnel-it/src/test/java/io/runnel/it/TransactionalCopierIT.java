package io.runnel.it;

import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.TempDirs;
import io.runnel.it.harness.TopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka's TransactionalMessageCopier (the tool of Kafka's own transaction system tests) copies
 * each partition of a topic into another topic, consuming, producing and committing its offsets
 * in one transaction per 100 records, with random aborts. Each copier is killed with -9 mid-run
 * and started again with the same transactional id; its successor fences it, resumes from the
 * committed offset and copies to the end. A read_committed consumer then finds every input
 * record exactly once in the output, and a read_uncommitted one also the aborted copies.
 */
class TransactionalCopierIT {
    private static final int PARTITIONS = 2;
    private static final int RECORDS_PER_PARTITION = 4_000;
    private static final Pattern CONSUMED = Pattern.compile("\"consumed\":(\\d+)");

    private static InProcessBroker broker;
    private static Path workDir;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start(Map.of("group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "3", "transaction.state.log.num.partitions", "3"));
        workDir = TempDirs.create("runnel-copier-");
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
    void copiesEveryRecordExactlyOnceThoughEachCopierIsKilledMidRun() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("copier-in", PARTITIONS, (short) 1),
                    new NewTopic("copier-out", PARTITIONS, (short) 1))).all().get();
        }
        List<String> input = produceInput();

        for (int p = 0; p < PARTITIONS; p++) {
            Path first = Files.createTempDirectory(workDir, "copier-" + p + "-first-");
            Process killed = ChildJvm.start(first, "org.apache.kafka.tools.TransactionalMessageCopier", copierArgs(p));
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> consumed(first) >= RECORDS_PER_PARTITION / 4);
            } finally {
                killed.destroyForcibly().waitFor();
            }

            Path second = Files.createTempDirectory(workDir, "copier-" + p + "-second-");
            Process resumed = ChildJvm.start(second, "org.apache.kafka.tools.TransactionalMessageCopier", copierArgs(p));
            try {
                assertThat(resumed.waitFor(120, TimeUnit.SECONDS)).as("the restarted copier finishes").isTrue();
                assertThat(resumed.exitValue()).as(Files.readString(second.resolve("stderr"))).isZero();
            } finally {
                resumed.destroyForcibly().waitFor();
            }
        }

        List<String> committed = values(IsolationLevel.READ_COMMITTED);
        assertThat(committed).as("read_committed: every input record once").containsExactlyInAnyOrderElementsOf(input);
        List<String> everything = values(IsolationLevel.READ_UNCOMMITTED);
        assertThat(everything).as("read_uncommitted also sees the aborted and the killed copier's open transactions")
                .hasSizeGreaterThan(committed.size()).containsAll(committed);
    }

    private static List<String> values(IsolationLevel isolation) {
        return TopicReader.readAll(broker.bootstrap(), "copier-out", isolation, new StringDeserializer(),
                new StringDeserializer()).stream().map(ConsumerRecord::value).toList();
    }

    private static List<String> copierArgs(int partition) {
        return List.of("--broker-list", broker.bootstrap(), "--input-topic", "copier-in",
                "--input-partition", String.valueOf(partition), "--output-topic", "copier-out",
                "--transactional-id", "copier-" + partition, "--consumer-group", "copier-group-" + partition,
                "--transaction-size", "100", "--transaction-timeout", "10000", "--enable-random-aborts",
                "--use-group-metadata");
    }

    /** Records consumed by this run of the copier, from its latest status line. */
    private static long consumed(Path dir) throws Exception {
        Matcher m = CONSUMED.matcher(Files.readString(dir.resolve("stdout")));
        long last = 0;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    private static List<String> produceInput() throws Exception {
        List<String> values = new ArrayList<>();
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                    String value = p + "-" + i;
                    producer.send(new ProducerRecord<>("copier-in", p, null, value));
                    values.add(value);
                }
            }
            producer.flush();
        }
        return values;
    }
}
