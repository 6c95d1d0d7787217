package io.runnel.broker.internal;

import io.runnel.broker.purgatory.Purgatory;
import io.runnel.broker.replica.Partition;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.coordinator.runtime.CoordinatorLog;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.storage.ActiveProducer;
import io.runnel.storage.AppendInfo;
import io.runnel.storage.FileSlice;
import io.runnel.storage.LogReadInfo;
import io.runnel.storage.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A coordinator's internal topic ({@code __consumer_offsets}, {@code __transaction_state}) as
 * its coordinator runtime sees it: one write is one uncompressed batch
 * appended as leader with acks=all semantics; loading reads a partition from its log start to
 * its log end offset. Transactional writes (TxnOffsetCommit) are transactional batches of the
 * request's producer, decided by a COMMIT/ABORT marker appended through the same partition.
 *
 * <p>"Committed" means the high watermark passed the batch. When a partition's ISR is its leader
 * alone the high watermark moves with the append, so the future is complete on return; with
 * followers the write waits in the produce purgatory ({@link DelayedCommit}) for at most
 * {@code offsets.commit.timeout.ms} (Kafka's default, 5000 ms).
 *
 * <p>Thread-safety: called from coordinator shard threads, one per partition; the partition log
 * serializes appends.
 */
public final class InternalTopicLog implements CoordinatorLog {
    private static final int LOAD_READ_BYTES = 1024 * 1024;
    private static final long COMMIT_TIMEOUT_MS = 5_000;

    private final String topicName;
    private final ReplicaManager replicas;
    private final Purgatory<TopicPartition> fetchPurgatory;
    private final Purgatory<TopicPartition> producePurgatory;
    private final Time time;

    public InternalTopicLog(String topicName, ReplicaManager replicas, Purgatory<TopicPartition> fetchPurgatory,
                            Purgatory<TopicPartition> producePurgatory, Time time) {
        this.topicName = topicName;
        this.replicas = replicas;
        this.fetchPurgatory = fetchPurgatory;
        this.producePurgatory = producePurgatory;
        this.time = time;
    }

    @Override
    public Appended append(int partitionIndex, int leaderEpoch, List<CoordinatorRecord> records) {
        Partition partition = leaderOf(partitionIndex, leaderEpoch);
        AppendInfo info = partition.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, simple(records)),
                (short) -1);
        return committed(partition, leaderEpoch, info);
    }

    /**
     * Appends a transactional batch. Kafka exempts a coordinator's own batches from sequence
     * checks; our log checks them, so the batch continues the producer's sequence in this
     * partition: its last sequence + 1 in the same epoch, else 0 (new producer or new epoch).
     * Only this partition's shard thread appends transactional batches here, so the sequence
     * read cannot race with another append.
     */
    @Override
    public Appended appendTransactional(int partitionIndex, int leaderEpoch, long producerId, short producerEpoch,
                                        List<CoordinatorRecord> records) {
        Partition partition = leaderOf(partitionIndex, leaderEpoch);
        int baseSequence = nextSequence(partition.log(), producerId, producerEpoch);
        MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, producerEpoch,
                baseSequence, simple(records));
        return committed(partition, leaderEpoch, partition.appendAsLeader(batch, (short) -1));
    }

    @Override
    public Appended appendMarker(int partitionIndex, int leaderEpoch, long producerId, short producerEpoch,
                                 boolean commit, int coordinatorEpoch) {
        Partition partition = leaderOf(partitionIndex, leaderEpoch);
        return committed(partition, leaderEpoch, partition.appendMarker(producerId, producerEpoch, commit,
                coordinatorEpoch));
    }

    private SimpleRecord[] simple(List<CoordinatorRecord> records) {
        long now = time.milliseconds();
        SimpleRecord[] simple = new SimpleRecord[records.size()];
        for (int i = 0; i < simple.length; i++) {
            simple[i] = new SimpleRecord(now, records.get(i).key(), records.get(i).value());
        }
        return simple;
    }

    private static int nextSequence(PartitionLog log, long producerId, short producerEpoch) {
        for (ActiveProducer producer : log.activeProducers()) {
            if (producer.producerId() == producerId) {
                return producer.producerEpoch() == producerEpoch && producer.lastSequence() != RecordBatch.NO_SEQUENCE
                        ? DefaultRecordBatch.incrementSequence(producer.lastSequence(), 1) : 0;
            }
        }
        return 0;
    }

    /** Wakes fetchers and waits (acks=all) in the produce purgatory for the high watermark to pass the append. */
    private Appended committed(Partition partition, int leaderEpoch, AppendInfo info) {
        fetchPurgatory.checkAndComplete(partition.topicPartition());
        CompletableFuture<Void> committed = new CompletableFuture<>();
        producePurgatory.tryCompleteElseWatch(new DelayedCommit(COMMIT_TIMEOUT_MS, partition, info.lastOffset() + 1,
                leaderEpoch, committed), List.of(partition.topicPartition()));
        return new Appended(info.lastOffset(), committed);
    }

    /**
     * Reads the partition for a load. A record of a transactional batch goes with its producer
     * id; a COMMIT/ABORT control batch becomes {@link LoadSink#endTransaction}; other control
     * batches are skipped.
     */
    @Override
    public void readAll(int partitionIndex, LoadSink sink) {
        Partition partition = replicas.partition(new TopicPartition(topicName, partitionIndex))
                .orElseThrow(() -> new NotLeaderOrFollowerException("no replica of partition " + partitionIndex));
        PartitionLog log = partition.log();
        long end = log.logEndOffset();
        long offset = log.logStartOffset();
        while (offset < end) {
            LogReadInfo read = log.read(offset, LOAD_READ_BYTES, end, true);
            Records batches = inMemory(read.records());
            long next = offset;
            for (RecordBatch batch : batches.batches()) {
                if (batch.isControlBatch()) {
                    readMarker(batch, offset, sink);
                    next = batch.nextOffset();
                    continue;
                }
                long producerId = batch.isTransactional() ? batch.producerId() : RecordBatch.NO_PRODUCER_ID;
                for (Record record : batch) {
                    if (record.offset() >= offset && record.hasKey()) {
                        sink.record(producerId, toCoordinatorRecord(record));
                    }
                }
                next = batch.nextOffset();
            }
            if (next == offset) {
                break; // nothing readable: the log ends early (e.g. truncated meanwhile)
            }
            offset = next;
        }
    }

    private static void readMarker(RecordBatch batch, long fromOffset, LoadSink sink) {
        for (Record record : batch) {
            if (record.offset() >= fromOffset && record.hasKey()) {
                ControlRecordType type = ControlRecordType.parse(record.key());
                if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
                    sink.endTransaction(batch.producerId(), type == ControlRecordType.COMMIT);
                }
            }
        }
    }

    /** Loading reads each chunk once, so the file slice the log hands out is copied to the heap. */
    private Records inMemory(BaseRecords records) {
        if (records instanceof Records r) {
            return r;
        }
        FileSlice slice = (FileSlice) records;
        ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
        try {
            while (buffer.hasRemaining()) {
                if (slice.channel().read(buffer, slice.position() + buffer.position()) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new KafkaStorageException("cannot read " + topicName + ": " + e.getMessage(), e);
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }

    private Partition leaderOf(int partitionIndex, int leaderEpoch) {
        TopicPartition tp = new TopicPartition(topicName, partitionIndex);
        Partition partition = replicas.partition(tp)
                .orElseThrow(() -> new NotLeaderOrFollowerException("no replica of " + tp));
        if (!partition.isLeader() || partition.leaderEpoch() != leaderEpoch) {
            throw new NotLeaderOrFollowerException("this broker no longer leads " + tp + " in epoch " + leaderEpoch);
        }
        return partition;
    }

    private static CoordinatorRecord toCoordinatorRecord(Record record) {
        byte[] key = bytes(record.key());
        byte[] value = record.hasValue() ? bytes(record.value()) : null;
        return new CoordinatorRecord(ByteBuffer.wrap(key).getShort(), key, value);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
