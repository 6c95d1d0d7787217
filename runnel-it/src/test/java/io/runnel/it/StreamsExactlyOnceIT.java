package io.runnel.it;

import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.ClusterProcess;
import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.TempDirs;
import io.runnel.it.harness.TopicReader;
import io.runnel.it.harness.Topics;
import io.runnel.it.streams.WordCountApp;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.LongDeserializer;
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
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka Streams 4.4 with {@code processing.guarantee=exactly_once_v2} ({@link WordCountApp}: a
 * repartition topic and a changelogged store) on one node and on three nodes. Lines are produced
 * in three rounds; after the first the application is killed with -9 and started again (on three
 * nodes a broker is killed too and comes back later). The committed output must hold, for every
 * word, exactly the counts 1, 2, ..., n in order: a lost or replayed input, a repeated store
 * update or an aborted output would show as a gap, a repeat or a wrong final count.
 */
class StreamsExactlyOnceIT {
    private static final List<String> WORDS = List.of("alder", "birch", "cedar", "elm", "fir", "hazel", "larch",
            "maple", "oak", "pine", "rowan", "yew");
    private static final int LINES_PER_ROUND = 300;
    private static final Duration PATIENCE = Duration.ofSeconds(180);

    private final Random random = new Random(42);
    private final Map<String, Long> expected = new TreeMap<>();
    private Path workDir;
    private Process app;

    @BeforeEach
    void createWorkDir() {
        workDir = TempDirs.create("runnel-streams-");
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        try {
            if (app != null) {
                app.destroyForcibly().waitFor();
            }
        } finally {
            TempDirs.delete(workDir);
        }
    }

    @Test
    void exactCountsOnOneNodeThoughTheApplicationIsKilled() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start(Map.of("group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "3", "transaction.state.log.num.partitions", "3"))) {
            countWordsThroughFaults(broker.bootstrap(), 1, () -> { });
        }
    }

    @Test
    void exactCountsOnThreeNodesThoughTheApplicationAndABrokerAreKilled() throws Exception {
        try (ClusterProcess cluster = ClusterProcess.start(3, Map.of("group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "3", "transaction.state.log.num.partitions", "3",
                "transaction.state.log.replication.factor", "3", "transaction.state.log.min.isr", "2",
                "min.insync.replicas", "2"))) {
            int killed = 2;
            countWordsThroughFaults(cluster.bootstrap(), 3, () -> cluster.node(killed).kill9());
            cluster.node(killed).restart();
            cluster.waitForClusterReady();
        }
    }

    /** Three rounds of lines; between the first two the application (and {@code fault}) is killed. */
    private void countWordsThroughFaults(String bootstrap, int replicationFactor, Runnable fault) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Topics.create(admin, new NewTopic("lines", 3, (short) replicationFactor));
            Topics.create(admin, new NewTopic("counts", 3, (short) replicationFactor));
        }
        Path stateDir = Files.createDirectories(workDir.resolve("state"));
        app = startApp(bootstrap, stateDir, replicationFactor, "first");
        produceLines(bootstrap);
        await().atMost(PATIENCE).until(() -> committedCounts(bootstrap).size() >= WORDS.size());

        app.destroyForcibly().waitFor();
        fault.run();
        produceLines(bootstrap);
        app = startApp(bootstrap, stateDir, replicationFactor, "second");
        produceLines(bootstrap);

        await().atMost(PATIENCE).until(() -> latest(committedCounts(bootstrap)).equals(expected));
        Map<String, List<Long>> counts = committedCounts(bootstrap);
        expected.forEach((word, n) -> assertThat(counts.get(word)).as("committed counts of %s", word)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList()));
    }

    private Process startApp(String bootstrap, Path stateDir, int replicationFactor, String run) throws Exception {
        Path dir = Files.createDirectories(workDir.resolve(run));
        return ChildJvm.start(dir, WordCountApp.class.getName(),
                List.of(bootstrap, stateDir.toString(), String.valueOf(replicationFactor)));
    }

    private void produceLines(String bootstrap) throws Exception {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < LINES_PER_ROUND; i++) {
                List<String> line = new ArrayList<>();
                for (int w = 0; w < 5; w++) {
                    String word = WORDS.get(random.nextInt(WORDS.size()));
                    line.add(word);
                    expected.merge(word, 1L, Long::sum);
                }
                producer.send(new ProducerRecord<>("lines", String.join(" ", line))).get();
            }
        }
    }

    /** Each word's committed counts, in output order. */
    private static Map<String, List<Long>> committedCounts(String bootstrap) {
        Map<String, List<Long>> counts = new TreeMap<>();
        for (ConsumerRecord<String, Long> r : TopicReader.readAll(bootstrap, "counts", IsolationLevel.READ_COMMITTED,
                new StringDeserializer(), new LongDeserializer())) {
            counts.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
        }
        return counts;
    }

    private static Map<String, Long> latest(Map<String, List<Long>> counts) {
        Map<String, Long> latest = new TreeMap<>();
        counts.forEach((word, values) -> latest.put(word, values.get(values.size() - 1)));
        return latest;
    }
}
