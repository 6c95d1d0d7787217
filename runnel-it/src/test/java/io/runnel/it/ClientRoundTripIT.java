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
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kafka 4.4 Producer with default settings (idempotent, acks=all) and the Consumer with
 * assign() round-trip records through one broker: keys, values, headers, timestamps, per-partition
 * order, every compression codec.
 */
class ClientRoundTripIT {
    private static InProcessBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = InProcessBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void recordsRoundTripWithEveryCodec(String codec) throws Exception {
        String topic = "round-trip-" + codec;
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        List<RecordMetadata> acks = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec))) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("n", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, i % 3, 1_700_000_000_000L + i,
                        ("key-" + i).getBytes(StandardCharsets.UTF_8), ("value-" + i).repeat(1 + i % 7).getBytes(StandardCharsets.UTF_8),
                        headers);
                sent.add(record);
                futures.add(producer.send(record));
            }
            for (Future<RecordMetadata> f : futures) {
                acks.add(f.get());
            }
        }
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> received = consumeAll(topic, 3, sent.size());
        for (int p = 0; p < 3; p++) {
            List<ConsumerRecord<byte[], byte[]>> records = received.get(p);
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).offset()).as("offsets are dense").isEqualTo(i);
            }
        }
        for (int i = 0; i < sent.size(); i++) {
            ProducerRecord<byte[], byte[]> expected = sent.get(i);
            RecordMetadata ack = acks.get(i);
            ConsumerRecord<byte[], byte[]> actual = received.get(ack.partition()).get((int) ack.offset());
            assertThat(actual.key()).isEqualTo(expected.key());
            assertThat(actual.value()).isEqualTo(expected.value());
            assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
            assertThat(actual.headers().lastHeader("n").value()).isEqualTo(expected.headers().lastHeader("n").value());
        }
    }

    @Test
    void consumerSeeksToAnOffsetAndByTime() throws Exception {
        String topic = "seek";
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(Map.of())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, 0, 1_000L * i, null, new byte[]{(byte) i})).get();
            }
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(List.of(tp));
            assertThat(consumer.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            assertThat(consumer.endOffsets(List.of(tp))).containsEntry(tp, 100L);
            assertThat(consumer.offsetsForTimes(Map.of(tp, 41_500L)).get(tp).offset()).isEqualTo(42L);
            assertThat(consumer.offsetsForTimes(Map.of(tp, 1_000_000L)).get(tp)).isNull();
            consumer.seek(tp, 90);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (records.size() < 10) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(90L, 91L, 92L, 93L, 94L, 95L, 96L, 97L, 98L, 99L);
        }
    }

    static KafkaProducer<byte[], byte[]> producer(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putAll(overrides);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<Integer, List<ConsumerRecord<byte[], byte[]>>> consumeAll(String topic, int partitions, int expected) {
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
            out.put(p, new ArrayList<>());
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            int count = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (count < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.get(r.partition()).add(r);
                    count++;
                }
            }
            assertThat(count).isEqualTo(expected);
        }
        return out;
    }
}
