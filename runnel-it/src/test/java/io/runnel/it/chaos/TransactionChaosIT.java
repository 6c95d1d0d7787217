package io.runnel.it.chaos;

import io.runnel.it.chaos.TransactionalWriter.Txn;
import io.runnel.it.harness.ClusterProcess;
import io.runnel.it.harness.TopicReader;
import io.runnel.it.harness.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The randomized transaction test (issue 5), after Jepsen's analyses of Kafka transactions: a
 * three-node cluster ({@code __transaction_state} and the topic with replication factor 3,
 * {@code min.insync.replicas=2}), two transactional producers ({@link TransactionalWriter}) and a
 * read_committed consumer group of two, while the {@link FaultInjector} of {@link ChaosIT} kills,
 * pauses, stops or isolates one random node at a time for {@code chaos.txn.seconds} (default 45).
 * Then everything is healed, the producers finish, the consumers catch up, and
 * {@link TransactionChecker} looks for lost commits, aborted reads, torn transactions and
 * duplicates. {@code -Dchaos.seed=N} replays a fault schedule.
 */
class TransactionChaosIT {
    private static final String TOPIC = "txn-chaos";
    private static final int PARTITIONS = 4;
    private static final Duration RECOVERY = ClusterHealth.RECOVERY;

    @Test
    void randomFaultsNeitherLoseNorTearNorLeakTransactions() throws Exception {
        long seed = Long.getLong("chaos.seed", ThreadLocalRandom.current().nextLong());
        Duration faultTime = Duration.ofSeconds(Long.getLong("chaos.txn.seconds", 45));
        System.out.println("TransactionChaosIT seed " + seed + " (replay with -Dchaos.seed=" + seed + ")");
        try (ClusterProcess cluster = ClusterProcess.start(3, Map.of("transaction.state.log.replication.factor", "3",
                "transaction.state.log.min.isr", "2", "transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3")); Admin admin = cluster.admin()) {
            Topics.create(admin, new NewTopic(TOPIC, PARTITIONS, (short) 3).configs(Map.of("min.insync.replicas", "2")));
            ClusterHealth.awaitIsrsFull(admin, TOPIC, PARTITIONS, seed);
            List<TransactionalWriter> writers = List.of(
                    new TransactionalWriter("w1", cluster.bootstrap(), TOPIC, PARTITIONS, seed),
                    new TransactionalWriter("w2", cluster.bootstrap(), TOPIC, PARTITIONS, seed + 1));
            List<RecordingConsumer> consumers = List.of(
                    new RecordingConsumer("c1", cluster.bootstrap(), "txn-chaos-group", TOPIC, IsolationLevel.READ_COMMITTED),
                    new RecordingConsumer("c2", cluster.bootstrap(), "txn-chaos-group", TOPIC, IsolationLevel.READ_COMMITTED));
            Thread faults = null;
            try {
                writers.forEach(TransactionalWriter::start);
                await("first commits, seed " + seed).atMost(Duration.ofSeconds(60))
                        .until(() -> writers.stream().allMatch(w -> w.committed() > 0));

                FaultInjector injector = new FaultInjector(cluster, new Random(seed), faultTime,
                        () -> ClusterHealth.awaitHealthy(cluster, admin, TOPIC, PARTITIONS, seed));
                faults = new Thread(injector, "txn-chaos-faults");
                faults.start();
                faults.join(faultTime.plus(RECOVERY).plus(RECOVERY).toMillis());
                assertThat(faults.isAlive()).as("fault schedule overran its time, seed %d", seed).isFalse();
                assertThat(injector.failure()).as("fault schedule failure, seed %d", seed).isNull();
                cluster.healAll();
                ClusterHealth.awaitHealthy(cluster, admin, TOPIC, PARTITIONS, seed);
                long committedBefore = writers.stream().mapToLong(TransactionalWriter::committed).sum();
                await("commits after the last fault, seed " + seed).atMost(RECOVERY).until(() ->
                        writers.stream().mapToLong(TransactionalWriter::committed).sum() > committedBefore);
                for (TransactionalWriter writer : writers) {
                    writer.close();
                }

                // An outcome-unknown transaction of a closed producer stays open until its timeout
                // aborts it; then no partition may be left with its LSO behind its high watermark.
                await("every LSO caught up with its high watermark, seed " + seed).atMost(RECOVERY)
                        .ignoreExceptions().until(() -> stableEqualsEnd(admin));
                List<String> finalRead = TopicReader.readAll(cluster.bootstrap(), TOPIC, IsolationLevel.READ_COMMITTED,
                        new StringDeserializer(), new StringDeserializer()).stream().map(ConsumerRecord::value).toList();
                await("consumers caught up, seed " + seed).atMost(RECOVERY).until(() -> consumers.stream()
                        .flatMap(c -> c.seen().stream()).map(StoredRecord::value).distinct().count()
                        >= finalRead.stream().distinct().count());
                for (RecordingConsumer consumer : consumers) {
                    consumer.close();
                    assertThat(consumer.failure()).as("consumer failure, seed %d", seed).isNull();
                }

                List<Txn> txns = writers.stream().flatMap(w -> w.transactions().stream()).toList();
                List<String> consumed = consumers.stream().flatMap(c -> c.seen().stream()).map(StoredRecord::value).toList();
                writers.stream().flatMap(w -> w.errors().stream()).limit(10).forEach(e -> System.out.println("txn error: " + e));
                String report = "transaction chaos run: seed " + seed + ", faults " + injector.counts() + ", transactions "
                        + txns.size() + " (" + txns.stream().filter(t -> t.outcome() == TransactionalWriter.Outcome.COMMITTED).count()
                        + " committed, " + txns.stream().filter(t -> t.outcome() == TransactionalWriter.Outcome.ABORTED).count()
                        + " aborted, " + txns.stream().filter(t -> t.outcome() == TransactionalWriter.Outcome.UNKNOWN).count()
                        + " unknown), records read back " + finalRead.size() + ", consumed " + consumed.size();
                System.out.println(report);
                assertThat(TransactionChecker.violations(txns, finalRead, consumed)).as(report).isEmpty();
            } finally {
                if (faults != null && faults.isAlive()) {
                    faults.interrupt();
                    faults.join();
                }
                for (RecordingConsumer consumer : consumers) {
                    consumer.close();
                }
                for (TransactionalWriter writer : writers) {
                    writer.close();
                }
                NodeLogs.keep(cluster, "txn-chaos-logs", seed);
            }
        }
    }

    private static boolean stableEqualsEnd(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
        }
        var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
        var end = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
        return latest.keySet().stream().allMatch(tp -> stable.get(tp).offset() == end.get(tp).offset());
    }
}
