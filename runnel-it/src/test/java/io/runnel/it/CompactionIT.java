package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Log compaction seen by Kafka 4.4 clients: a compacted topic with small segments, many updates
 * per key and some tombstones; the background cleaner (short {@code log.cleaner.backoff.ms})
 * leaves a consumer reading from the beginning exactly the latest value of each key, and the
 * tombstoned keys disappear once {@code delete.retention.ms} has passed. Records without a key
 * are refused with INVALID_RECORD. Batches are lz4-compressed (the cleaner re-compresses them),
 * and the compacted view survives a broker restart.
 */
class CompactionIT {
    private static final String TOPIC = "compacted";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int KEYS = 50;
    private static final int UPDATES = 40;
    private static final int TOMBSTONED = 10;

    private static InProcessBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = InProcessBroker.start(Map.of("log.cleaner.backoff.ms", "100"));
        admin = broker.admin();
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                "cleanup.policy", "compact",
                "internal.segment.bytes", "16384",
                "min.cleanable.dirty.ratio", "0.01",
                "delete.retention.ms", "1000")))).all().get();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void consumersSeeOnlyTheLatestValueOfEachKeyAndTombstonedKeysDisappear() throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            for (int u = 0; u < UPDATES; u++) {
                for (int k = 0; k < KEYS; k++) {
                    producer.send(new ProducerRecord<>(TOPIC, 0, "key-" + k, value(u, k)));
                }
            }
            for (int k = 0; k < TOMBSTONED; k++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "key-" + k, null));
            }
            // Updates of one other key push everything above out of the active segment, which is never cleaned.
            for (int i = 0; i < 400; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "filler", value(i, -1)));
            }
            producer.flush();
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(CompactionIT::onlyLatestValuesAndNoTombstonedKeys);

        broker.restart();
        onlyLatestValuesAndNoTombstonedKeys();
    }

    private static void onlyLatestValuesAndNoTombstonedKeys() {
        Map<String, List<String>> seen = readAll();
        for (int k = 0; k < TOMBSTONED; k++) {
            assertThat(seen).as("tombstoned key-%d", k).doesNotContainKey("key-" + k);
        }
        for (int k = TOMBSTONED; k < KEYS; k++) {
            assertThat(seen.get("key-" + k)).as("key-%d", k)
                    .containsExactly(value(UPDATES - 1, k));
        }
        assertThat(seen.get("filler")).last().isEqualTo(value(399, -1));
    }

    /** Update {@code update} of key {@code key}: 100 bytes that compress poorly, so segments fill. */
    private static String value(int update, int key) {
        Random random = new Random(update * 1000L + key);
        StringBuilder sb = new StringBuilder("value-" + update + "-");
        while (sb.length() < 100) {
            sb.append(Long.toHexString(random.nextLong()));
        }
        return sb.toString();
    }

    @Test
    void recordsWithoutKeyAreRefused() {
        try (KafkaProducer<String, String> producer = producer()) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, 0, null, "no key")).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InvalidRecordException.class);
        }
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.BATCH_SIZE_CONFIG, 4096, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                new StringSerializer(), new StringSerializer());
    }

    /** Every record of the partition from the beginning to the current end, values by key in offset order. */
    private static Map<String, List<String>> readAll() {
        Map<String, List<String>> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            long end = consumer.endOffsets(List.of(TP)).get(TP);
            while (consumer.position(TP) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    seen.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
                }
            }
        }
        return seen;
    }
}
