package io.runnel.storage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The log of one partition: an ordered list of segments, the log start offset, the high
 * watermark and the producer state used for idempotence and transactions.
 *
 * <p>Offsets: {@code logStartOffset <= lastStableOffset <= highWatermark <= logEndOffset} holds
 * at all times.
 *
 * <p>Thread-safety: appends, truncation, retention and config changes are serialized by the
 * implementation (one writer at a time per partition); reads may run concurrently with an
 * append and see a consistent prefix of the log.
 */
public interface PartitionLog {

    TopicPartition topicPartition();

    /** The topic id this log belongs to (also persisted in the partition directory). */
    Uuid topicId();

    LogConfig config();

    /** Takes effect for the next append, roll and retention check. */
    void updateConfig(LogConfig config);

    /**
     * Validates and appends the batches of one produce request as leader.
     *
     * <p>Validation, without decompressing: magic v2 only, CRC32C of every batch, batch size
     * against {@code max.message.bytes}, timestamps against {@code message.timestamp.*}, and the
     * idempotent producer's epoch and sequence. Offsets are assigned by rewriting each batch's
     * base offset (and partition leader epoch, and max timestamp under {@code LogAppendTime})
     * in place, then the CRC is recomputed only if a covered field changed.
     *
     * <p>A batch that duplicates one of the producer's last five batches is not appended; the
     * result then carries the original offsets and {@link AppendInfo#duplicate()} is true.
     *
     * <p>The buffer of {@code records} must be writable: the headers are rewritten in it before
     * it is written to the segment (synchronously; the caller may reuse it after the call).
     *
     * @throws org.apache.kafka.common.errors.CorruptRecordException bad CRC or malformed batch
     * @throws org.apache.kafka.common.errors.RecordTooLargeException batch over max.message.bytes
     * @throws org.apache.kafka.common.errors.InvalidTimestampException timestamp out of range
     * @throws org.apache.kafka.common.errors.OutOfOrderSequenceException sequence gap
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException stale producer epoch
     * @throws org.apache.kafka.common.errors.InvalidTxnStateException a non-transactional batch
     *     from a producer whose transaction is ongoing
     * @throws org.apache.kafka.common.errors.UnsupportedForMessageFormatException magic below 2
     * @throws org.apache.kafka.common.errors.KafkaStorageException the disk write failed; the
     *     log is left as it was before the call and stays readable
     */
    AppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch);

    /**
     * As {@link #appendAsLeader(MemoryRecords, int)}, plus KIP-890 verification: a transactional
     * batch that begins a new transaction of its producer is refused unless {@code guard} is that
     * producer's current guard ({@link #verificationGuard(long)}).
     *
     * @param guard the guard handed out when the partition was verified with the coordinator;
     *     {@code null}: no verification
     * @throws org.apache.kafka.common.errors.InvalidTxnStateException the guard is not current
     */
    AppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch, VerificationGuard guard);

    /**
     * Appends a COMMIT or ABORT control batch for the producer as leader (WriteTxnMarkers). It
     * completes the producer's ongoing transaction, if any; an ABORT adds an entry to the
     * aborted-transaction index. A marker for a producer without an ongoing transaction is still
     * appended (as Kafka does) and completes nothing. A marker whose epoch is above the
     * producer's (KIP-890 bumps the epoch at the end of a transaction) sets the producer's epoch,
     * so its next batch starts at sequence 0. The producer's verification guard is retired.
     *
     * @param leaderEpoch stamped on the control batch, as on data batches
     * @return the marker's offset as {@code firstOffset == lastOffset}
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException {@code producerEpoch}
     *     is below the producer's epoch here
     * @throws org.apache.kafka.common.errors.TransactionCoordinatorFencedException
     *     {@code coordinatorEpoch} is below the last one seen for the producer
     * @throws org.apache.kafka.common.errors.KafkaStorageException the disk write failed
     */
    AppendInfo appendMarker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                            int leaderEpoch);

    /**
     * Appends batches replicated from the leader, keeping the offsets, leader epochs and
     * timestamps it assigned (no sequence or epoch checks: the leader made them). Transaction
     * markers among them complete transactions here too, and ABORT markers are indexed.
     *
     * @return the offsets appended ({@code -1} when {@code records} is empty)
     * @throws org.apache.kafka.common.InvalidRecordException offsets below the log end offset or
     *     not increasing: the caller must truncate first
     * @throws org.apache.kafka.common.errors.CorruptRecordException bad CRC or a partial batch
     * @throws org.apache.kafka.common.errors.KafkaStorageException the disk write failed
     */
    AppendInfo appendAsFollower(MemoryRecords records);

    /**
     * Removes every batch at or after {@code targetOffset} (a batch holding it goes whole);
     * leader epochs, producer state, high watermark and recovery point follow. Truncating to or
     * below the first segment's base offset restarts the log empty at {@code targetOffset}.
     *
     * @return the new log end offset
     */
    long truncateTo(long targetOffset);

    /**
     * Deletes all data and restarts the log empty at {@code newOffset} (log start, end and high
     * watermark all become {@code newOffset}; leader epochs and producer state are cleared).
     */
    void truncateFullyAndStartAt(long newOffset);

    /**
     * Reads whole batches starting at the batch containing {@code fetchOffset}.
     *
     * @param maxBytes at most this many bytes, except that with {@code minOneBatch} the first
     *     batch is returned whole even if larger
     * @param maxOffsetExclusive no batch whose base offset is at or above this is returned
     *     (callers pass the high watermark)
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException fetchOffset is below the
     *     log start offset or above the log end offset
     */
    LogReadInfo read(long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch);

    long logStartOffset();

    long logEndOffset();

    long highWatermark();

    /** Moves the high watermark forward (never beyond the log end offset, never backward). */
    void updateHighWatermark(long offset);

    /**
     * The earliest offset whose record timestamp is at or after {@code timestamp}, with that
     * record's timestamp and the leader epoch of its batch; empty if there is none.
     */
    Optional<TimestampAndOffset> offsetForTimestamp(long timestamp);

    /** The record with the largest timestamp (the first one if several share it). */
    Optional<TimestampAndOffset> maxTimestampAndOffset();

    /**
     * Moves the log start offset to {@code offset} (DeleteRecords); whole segments below it are
     * deleted. Returns the new log start offset.
     *
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException offset above the high watermark
     */
    long deleteRecordsBefore(long offset);

    /** The latest leader epoch stamped on a batch in this log, or -1. */
    int latestEpoch();

    /**
     * The end offset of {@code epoch} as OffsetForLeaderEpoch defines it: the start offset of
     * the first epoch greater than it, or the log end offset when it is the latest epoch.
     */
    EpochEndOffset endOffsetForEpoch(int epoch);

    /** True when the producer has appended transactional data not yet completed by a marker. */
    boolean hasOngoingTransaction(long producerId);

    /** The producer's current guard, created if absent; a marker for the producer clears it. */
    VerificationGuard verificationGuard(long producerId);

    /**
     * The last stable offset: {@code min(highWatermark, first offset of the earliest transaction
     * not yet decided below the high watermark)}. A transaction is undecided while it is ongoing
     * or while its marker is at or above the high watermark. {@code read_committed} fetches stop
     * here. Kept incrementally: O(1) per call.
     */
    long lastStableOffset();

    /**
     * Aborted transactions overlapping {@code [fetchOffset, upperBoundOffset)}: those with
     * {@code lastOffset >= fetchOffset} and {@code firstOffset < upperBoundOffset}, in
     * {@code firstOffset} order. Read from the aborted-transaction indexes of the segments from
     * the one holding {@code fetchOffset} onwards.
     *
     * @throws org.apache.kafka.common.errors.KafkaStorageException an index read failed
     */
    List<AbortedTxn> abortedTransactions(long fetchOffset, long upperBoundOffset);

    /** Producers with state in this partition (for DescribeProducers). */
    List<ActiveProducer> activeProducers();

    /** Total bytes of all segments. */
    long sizeInBytes();

    /**
     * Forces every appended batch to disk and advances the recovery point.
     *
     * @throws org.apache.kafka.common.errors.KafkaStorageException the fsync failed
     */
    void flush();

    /**
     * Group commit: schedules one fsync on the log manager's flusher thread covering every batch
     * appended before this call. Concurrent callers share the same pending fsync.
     *
     * @return completes when the fsync is done; exceptionally with
     *     {@link org.apache.kafka.common.errors.KafkaStorageException} when it failed
     */
    CompletableFuture<Void> flushAsync();
}
