package io.runnel.it;

import io.runnel.it.harness.ClusterProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A partition leader whose disk fills up, in a three-node cluster: its appends fail, its next
 * heartbeat reports the replica, and the controller moves the leadership to an in-sync replica,
 * so an {@code acks=all} producer carries on without an error and loses nothing. Once space is
 * freed the replica catches up and rejoins the ISR. Node 1's directory of the partition is a
 * small tmpfs (mounting needs root; skipped otherwise).
 */
class DiskFailureIT {
    private static final String TOPIC = "disk";
    private static final String PADDING = "x".repeat(100 * 1024);
    private Path mount;
    private boolean mounted;
    private ClusterProcess cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = ClusterProcess.start(3, Map.of());
        // Node 1's replica of the partition lives on its own small disk: a tmpfs mounted where the
        // broker will create the partition's directory.
        mount = Files.createDirectories(cluster.node(1).dataDir().resolve(TOPIC + "-0"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        mounted = p.waitFor() == 0;
        assumeTrue(mounted, "mounting a tmpfs needs root");
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (mounted) {
                new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
            }
        }
    }

    @Test
    void aLeaderThatCannotWriteHandsItsPartitionToAnInSyncReplica() throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(1, 2, 3)))
                    .configs(Map.of("min.insync.replicas", "2", "segment.index.bytes", "4096")))).all().get();
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> partition().isr().size() == 3);
        assertThat(partition().leader().id()).isEqualTo(1);
        List<String> acknowledged = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            send(producer, "before", acknowledged);
            Path ballast = mount.resolve("ballast");
            fill(ballast);
            for (int i = 0; i < 20; i++) {
                send(producer, "full-" + i, acknowledged);
            }
            TopicPartitionInfo moved = partition();
            assertThat(moved.leader().id()).as("leadership left the full disk").isNotEqualTo(1);
            assertThat(moved.isr().stream().map(Node::id)).doesNotContain(1);

            Files.delete(ballast);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> partition().isr().size() == 3);
            send(producer, "after", acknowledged);
        }
        assertThat(readAll()).isEqualTo(acknowledged);
    }

    /** Sends {@code name} padded to about 100 KiB and waits for its acknowledgement. */
    private static void send(KafkaProducer<String, String> producer, String name, List<String> acknowledged)
            throws Exception {
        producer.send(new ProducerRecord<>(TOPIC, 0, name, name + "|" + PADDING)).get(60, TimeUnit.SECONDS);
        acknowledged.add(name);
    }

    /** Fills the tmpfs but for about 1 MiB. */
    private static void fill(Path file) throws Exception {
        long free = Files.getFileStore(file.getParent()).getUsableSpace();
        Files.write(file, new byte[(int) Math.max(0, free - 1024 * 1024)]);
    }

    private TopicPartitionInfo partition() throws Exception {
        try (Admin admin = cluster.admin()) {
            TopicDescription description = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
            return description.partitions().get(0);
        }
    }

    private List<String> readAll() {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<String> names = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    names.add(r.key());
                }
            }
        }
        return names;
    }
}
