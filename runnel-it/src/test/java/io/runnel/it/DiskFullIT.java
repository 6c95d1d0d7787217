package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.RawKafkaClient;
import io.runnel.it.harness.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A log directory that fills up: appends fail with KAFKA_STORAGE_ERROR for that partition, the
 * broker stays up and keeps serving every acknowledged record, and appends work again once
 * space is freed. The log directory is a small tmpfs (needs root to mount; skipped otherwise).
 */
class DiskFullIT {
    private static final String TOPIC = "full";
    private Path mount;
    private Path ballast;
    private InProcessBroker broker;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        mount = TempDirs.create("runnel-full-");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        boolean mounted = p.waitFor() == 0;
        if (!mounted) {
            TempDirs.delete(mount);
        }
        assumeTrue(mounted, "mounting a tmpfs needs root");
        ballast = mount.resolve("ballast");
        Files.write(ballast, new byte[1024 * 1024]);
        broker = InProcessBroker.start(Map.of("log.dirs", mount.resolve("logs").toString()));
    }

    @AfterEach
    void unmount() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (mount != null && Files.exists(mount)) {
            // Lazy: index files stay memory-mapped until the JVM collects them.
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
            TempDirs.delete(mount);
        }
    }

    @Test
    void aFullDiskFailsAppendsButKeepsServingReads() throws Exception {
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("segment.index.bytes", "4096"))))
                    .all().get();
        }
        List<String> acknowledged = new ArrayList<>();
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.spec().port())) {
            Errors error = Errors.NONE;
            for (int i = 0; i < 100 && error == Errors.NONE; i++) {
                error = produce(client, "r" + i);
                if (error == Errors.NONE) {
                    acknowledged.add("r" + i);
                }
            }
            assertThat(error).as("the append that did not fit").isEqualTo(Errors.KAFKA_STORAGE_ERROR);
            assertThat(acknowledged).isNotEmpty();
            assertThat(readAll()).as("reads still serve every acknowledged record").isEqualTo(acknowledged);

            Files.delete(ballast);
            assertThat(produce(client, "after")).as("appends work again once space is freed").isEqualTo(Errors.NONE);
            acknowledged.add("after");
        }
        assertThat(readAll()).isEqualTo(acknowledged);
    }

    /** About 100 KiB: a value prefix naming the record, then padding. */
    private static Errors produce(RawKafkaClient client, String name) {
        ByteBuffer value = ByteBuffer.allocate(100 * 1024);
        value.put(name.getBytes()).put((byte) '|');
        return client.produce(TOPIC, 0, MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(value.array())));
    }

    private List<String> readAll() {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<String> names = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String value = new String(r.value());
                    names.add(value.substring(0, value.indexOf('|')));
                }
            }
        }
        return names;
    }
}
