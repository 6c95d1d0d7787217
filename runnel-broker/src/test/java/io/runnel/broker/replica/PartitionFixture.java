package io.runnel.broker.replica;

import io.runnel.metadata.PartitionRegistration;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogManager;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.StorageSettings;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One partition led by broker 1 on a real log in a temp dir, with a manual clock, an
 * AlterPartition channel whose requests the test answers, and a count of listener calls.
 * Close it to close the log manager.
 */
public final class PartitionFixture implements AutoCloseable {
    public static final int LEADER = 1;
    public static final TopicPartition TP = new TopicPartition("t", 0);
    public static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");

    public final ManualTime time = new ManualTime();
    public final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    public final AtomicInteger changes = new AtomicInteger();
    public final Partition partition;
    private final LogManager logs;

    /** An AlterPartition the partition sent, and the answer the test completes. */
    public record Sent(AlterPartitionRequestData request, CompletableFuture<AlterPartitionResponseData> answer) {
        public List<Integer> newIsr() {
            return request.topics().get(0).partitions().get(0).newIsrWithEpochs().stream()
                    .map(AlterPartitionRequestData.BrokerState::brokerId).toList();
        }

        /** Answers as the controller would on success: the proposed ISR in the next partition epoch. */
        public void accept() {
            AlterPartitionRequestData.PartitionData p = request.topics().get(0).partitions().get(0);
            answer.complete(new AlterPartitionResponseData().setTopics(List.of(new AlterPartitionResponseData.TopicData()
                    .setTopicId(TOPIC_ID).setPartitions(List.of(new AlterPartitionResponseData.PartitionData()
                            .setPartitionIndex(p.partitionIndex()).setLeaderId(LEADER).setLeaderEpoch(p.leaderEpoch())
                            .setIsr(newIsr()).setPartitionEpoch(p.partitionEpoch() + 1))))));
        }
    }

    public PartitionFixture(Path dir, List<Integer> replicas, List<Integer> isr, int minIsr) {
        LogConfig config = LogConfig.create(LogConfig.defaultsFromBroker(Map.of()),
                Map.of("min.insync.replicas", String.valueOf(minIsr)));
        logs = LogManager.start(List.of(dir), new StorageSettings(config, 300_000, Long.MAX_VALUE, 60_000,
                86_400_000, 600_000), time);
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config);
        ReplicationContext context = new ReplicationContext(time, 30_000, request -> {
            CompletableFuture<AlterPartitionResponseData> answer = new CompletableFuture<>();
            sent.add(new Sent(request, answer));
            return answer;
        }, tp -> changes.incrementAndGet(), id -> true, new FailedReplicas());
        partition = new Partition(LEADER, TP, TOPIC_ID, log, new PartitionRegistration(replicas, isr, LEADER, 0, 0), context);
    }

    /** Appends {@code count} one-record batches as leader with acks=1. */
    public void append(int count) {
        for (int i = 0; i < count; i++) {
            partition.appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(time.milliseconds(), null, ("v" + i).getBytes())), (short) 1);
        }
    }

    public long highWatermark() {
        return partition.log().highWatermark();
    }

    public Partition partition() {
        return partition;
    }

    @Override
    public void close() {
        logs.close();
    }
}
