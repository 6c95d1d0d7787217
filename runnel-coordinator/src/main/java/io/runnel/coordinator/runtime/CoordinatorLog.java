package io.runnel.coordinator.runtime;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The partitions of a coordinator's internal topic, as the runtime sees them. Implemented by the
 * broker over its replica manager; tests use an in-memory log.
 *
 * <p>Thread-safety: called from the shard thread that owns {@code partition}; implementations
 * must allow calls for different partitions from different threads.
 */
public interface CoordinatorLog {

    /**
     * Appends {@code records} to {@code partition} as leader, as one batch.
     *
     * @param leaderEpoch the epoch the runtime was elected in; an append under another epoch
     *     must fail with {@code NotLeaderOrFollowerException}
     * @throws org.apache.kafka.common.errors.ApiException the append failed; nothing was written
     */
    Appended append(int partition, int leaderEpoch, List<CoordinatorRecord> records);

    /**
     * Appends {@code records} to {@code partition} as leader, as one transactional batch of the
     * producer: they stay pending until a marker for the producer decides them (Kafka's
     * TxnOffsetCommit write).
     *
     * @throws org.apache.kafka.common.errors.ApiException the append failed (e.g.
     *     INVALID_PRODUCER_EPOCH for an epoch older than the producer's one in the partition);
     *     nothing was written
     */
    Appended appendTransactional(int partition, int leaderEpoch, long producerId, short producerEpoch,
                                 List<CoordinatorRecord> records);

    /**
     * Appends a COMMIT or ABORT marker for the producer to {@code partition} as leader (Kafka's
     * WriteTxnMarkers for a coordinator partition).
     *
     * @param coordinatorEpoch the transaction coordinator's epoch; an older one than the
     *     partition has seen for the producer fails with TRANSACTION_COORDINATOR_FENCED
     * @throws org.apache.kafka.common.errors.ApiException the append failed; nothing was written
     */
    Appended appendMarker(int partition, int leaderEpoch, long producerId, short producerEpoch, boolean commit,
                          int coordinatorEpoch);

    /**
     * Reads {@code partition} from its log start to its log end offset, in offset order, passing
     * each record (tombstones included) and each transaction marker to {@code sink}.
     */
    void readAll(int partition, LoadSink sink);

    /**
     * Receives a partition's contents on load, in offset order.
     *
     * <p>A transaction whose marker is not in the log yet is still open: its records were passed
     * with their producer id and no marker follows.
     */
    interface LoadSink {

        /**
         * One record. {@code producerId} is the producer of its transactional batch, or
         * {@code RecordBatch.NO_PRODUCER_ID} (-1) for a record outside a transaction.
         */
        void record(long producerId, CoordinatorRecord record);

        /** The COMMIT ({@code commit} true) or ABORT marker of the producer's transaction. */
        void endTransaction(long producerId, boolean commit);
    }

    /**
     * The result of an append.
     *
     * @param lastOffset the offset of the last record appended
     * @param committed  completes when the high watermark passes {@code lastOffset}, or
     *     exceptionally when the records will never be committed
     */
    record Appended(long lastOffset, CompletableFuture<Void> committed) {
    }
}
