package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention through the broker: segments roll at {@code segment.bytes}, whole segments over
 * {@code retention.bytes} or older than {@code retention.ms} are deleted by the retention check,
 * and a topic config change takes effect on a live log.
 */
class RetentionIT {
    private static InProcessBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start(Map.of("log.retention.check.interval.ms", "200"));
        admin = broker.admin();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void sizeRetentionDeletesTheOldestSegments() throws Exception {
        admin.createTopics(List.of(new NewTopic("by-size", 1, (short) 1).configs(Map.of(
                "segment.bytes", "1048576", "retention.bytes", "2097152")))).all().get();
        produce("by-size", 6000, System.currentTimeMillis());
        TopicPartition tp = new TopicPartition("by-size", 0);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            long earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
            assertThat(earliest).as("whole segments were deleted (so the log had rolled)").isPositive();
            assertThat(segments("by-size")).as("about retention.bytes of 1 MiB segments are left").isBetween(2L, 3L);
        });
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset()).isEqualTo(6000);
    }

    @Test
    void timeRetentionAppliesOnceTheTopicConfigChanges() throws Exception {
        admin.createTopics(List.of(new NewTopic("by-time", 1, (short) 1).configs(Map.of("segment.bytes", "1048576"))))
                .all().get();
        long hourAgo = System.currentTimeMillis() - 3_600_000L;
        produce("by-time", 3000, hourAgo);
        produce("by-time", 10, System.currentTimeMillis());
        TopicPartition tp = new TopicPartition("by-time", 0);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset()).isZero();

        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "by-time");
        admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                new ConfigEntry("retention.ms", "600000"), AlterConfigOp.OpType.SET)))).all().get();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset())
                        .as("every segment holding only hour-old records is gone").isGreaterThanOrEqualTo(2000));
    }

    private static void produce(String topic, int count, long timestamp) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap(), ProducerConfig.BATCH_SIZE_CONFIG, 16384), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, timestamp, null, new byte[1000]));
            }
            producer.flush();
        }
    }

    private static long segments(String topic) throws Exception {
        try (Stream<Path> files = Files.list(broker.spec().dataDir().resolve(topic + "-0"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).count();
        }
    }
}
