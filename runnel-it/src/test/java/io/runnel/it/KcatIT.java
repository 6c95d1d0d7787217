package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.Kcat;
import io.runnel.it.harness.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * librdkafka's kcat against Runnel: metadata listing, and binary payloads produced with kcat
 * (every codec) that come back byte for byte through kcat and through the Java consumer.
 * kcat is installed with apt when missing (src/test/scripts/ensure-kcat.sh).
 */
class KcatIT {
    private static InProcessBroker broker;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        Kcat.path();
        broker = InProcessBroker.start();
        work = TempDirs.create("runnel-kcat-");
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        TempDirs.delete(work);
    }

    @Test
    void kcatListsTheBroker() throws Exception {
        String listing = new String(Kcat.run(work, List.of("-b", broker.bootstrap(), "-L"), null), StandardCharsets.UTF_8);
        assertThat(listing).contains("1 brokers:").contains("broker 1 at 127.0.0.1:" + broker.spec().port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void binaryPayloadsRoundTripByteForByte(String codec) throws Exception {
        String topic = "kcat-" + codec;
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Random random = new Random(codec.hashCode());
        List<byte[]> payloads = new ArrayList<>();
        List<String> command = new ArrayList<>(List.of("-P", "-b", broker.bootstrap(), "-t", topic, "-p", "0", "-z", codec));
        for (int i = 0; i < 40; i++) {
            byte[] payload = new byte[1 + random.nextInt(3000)];
            random.nextBytes(payload);
            payloads.add(payload);
            Path file = work.resolve(topic + "-" + i);
            Files.write(file, payload);
            command.add(file.toString());
        }
        Kcat.run(work, command, null);

        byte[] raw = Kcat.run(work, List.of("-C", "-b", broker.bootstrap(), "-t", topic, "-p", "0", "-o", "beginning", "-e",
                "-f", "%R%s"), null);
        ByteBuffer framed = ByteBuffer.wrap(raw);
        List<byte[]> viaKcat = new ArrayList<>();
        while (framed.hasRemaining()) {
            byte[] value = new byte[framed.getInt()];
            framed.get(value);
            viaKcat.add(value);
        }
        assertThat(viaKcat).containsExactlyElementsOf(payloads);
        assertThat(consumeWithJava(topic, payloads.size())).containsExactlyElementsOf(payloads);
    }

    private static List<byte[]> consumeWithJava(String topic, int expected) {
        TopicPartition tp = new TopicPartition(topic, 0);
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
