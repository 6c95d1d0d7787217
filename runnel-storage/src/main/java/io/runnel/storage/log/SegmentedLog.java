package io.runnel.storage.log;

import io.runnel.storage.AbortedTxn;
import io.runnel.storage.ActiveProducer;
import io.runnel.storage.AppendInfo;
import io.runnel.storage.EpochEndOffset;
import io.runnel.storage.FileSlice;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogReadInfo;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.TimestampAndOffset;
import io.runnel.storage.VerificationGuard;
import io.runnel.storage.checkpoint.PartitionMetadataFile;
import io.runnel.storage.index.TxnIndexEntry;
import io.runnel.storage.producer.BatchMetadata;
import io.runnel.storage.producer.CompletedTxn;
import io.runnel.storage.producer.ProducerAppend;
import io.runnel.storage.producer.ProducerStateManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiPredicate;

/**
 * A partition log on local disk: segments ordered by base offset, the last one active.
 *
 * <p>Thread-safety: appends, rolls, retention, log start offset moves and config changes hold
 * {@code lock}, and so does the log cleaner's swap of cleaned segments ({@link #replaceSegments}),
 * which replaces map entries so a reader sees either the old or the new segment, both readable.
 * Reads take no lock: they see the segment map (concurrent) and each segment's
 * committed size, both published after the bytes are written, and the offsets, which are
 * volatile. Flushes are serialized by {@code flushLock} and fsync outside {@code lock}, so an
 * fsync never blocks appends; truncation holds {@code flushLock} too, so a flush never
 * records a recovery point above data it did not sync. Lock order: {@code flushLock} before
 * {@code lock}; {@link GroupCommit} takes its own lock last.
 *
 * <p>Transactions: producer state tracks ongoing transactions; {@code firstUnstableOffset}
 * (volatile, recomputed under {@code lock} whenever producer state or the high watermark
 * changes) gives the last stable offset without a lock or a scan (a reader racing an update
 * may combine it with the high watermark from just before). An ABORT marker adds an entry to the
 * aborted-transaction index of the segment it lands in.
 */
public final class SegmentedLog implements PartitionLog {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);

    private final TopicPartition topicPartition;
    private volatile Uuid topicId;
    private final Path dir;
    private final LogServices services;
    private final Object lock = new Object();
    private final Object flushLock = new Object();
    private final GroupCommit groupCommit;
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final ProducerStateManager producers;
    private final LeaderEpochCache epochs;
    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long highWatermark;
    /** First offset of the earliest undecided transaction, or {@link Long#MAX_VALUE}. */
    private volatile long firstUnstableOffset = Long.MAX_VALUE;
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    private volatile boolean closed;

    SegmentedLog(TopicPartition topicPartition, Uuid topicId, Path dir, LogConfig config, LogServices services,
                 ConcurrentSkipListMap<Long, LogSegment> segments, ProducerStateManager producers,
                 LeaderEpochCache epochs, long logStartOffset, long highWatermark, long recoveryPoint) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.dir = dir;
        this.config = config;
        this.services = services;
        this.segments = segments;
        this.producers = producers;
        this.epochs = epochs;
        this.logEndOffset = segments.lastEntry().getValue().nextOffset();
        this.logStartOffset = Math.min(logStartOffset, logEndOffset);
        this.highWatermark = Math.min(Math.max(highWatermark, this.logStartOffset), logEndOffset);
        this.recoveryPoint = Math.min(recoveryPoint, logEndOffset);
        this.lastFlushMs = services.time().milliseconds();
        this.groupCommit = new GroupCommit(services.flusher(), this::flush);
        producers.onHighWatermarkUpdated(this.highWatermark);
        this.firstUnstableOffset = producers.firstUnstableOffset();
    }

    @Override
    public TopicPartition topicPartition() {
        return topicPartition;
    }

    @Override
    public Uuid topicId() {
        return topicId;
    }

    /**
     * Gives a log found without a {@code partition.metadata} (topic id zero) its topic id.
     *
     * @throws InconsistentTopicIdException the log already belongs to another topic id (a topic
     *     deleted and re-created under the same name): the caller deletes this log
     */
    public void assignTopicId(Uuid id) {
        synchronized (lock) {
            if (topicId.equals(id)) {
                return;
            }
            if (!topicId.equals(Uuid.ZERO_UUID)) {
                throw new InconsistentTopicIdException("The log of " + topicPartition + " belongs to topic id "
                        + topicId + ", not " + id);
            }
            try {
                new PartitionMetadataFile(dir).write(id);
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot write the topic id of " + topicPartition, e);
            }
            topicId = id;
        }
    }

    /** The partition directory. */
    public Path dir() {
        return dir;
    }

    @Override
    public LogConfig config() {
        return config;
    }

    @Override
    public void updateConfig(LogConfig newConfig) {
        synchronized (lock) {
            this.config = newConfig;
            segments.lastEntry().getValue().updateConfig(newConfig);
        }
    }

    @Override
    public AppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch) {
        return appendAsLeader(records, leaderEpoch, null);
    }

    @Override
    public AppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch, VerificationGuard guard) {
        LogConfig cfg = config;
        long now = services.time().milliseconds();
        long maxTimestamp = AppendValidator.validate(records, cfg, now);
        boolean logAppendTime = cfg.messageTimestampType() == TimestampType.LOG_APPEND_TIME;
        synchronized (lock) {
            ensureOpen();
            long firstOffset = logEndOffset;
            ProducerAppend producerAppend = checkProducers(records, firstOffset, guard);
            BatchMetadata duplicate = producerAppend.duplicate();
            if (duplicate != null) {
                return new AppendInfo(duplicate.firstOffset(), duplicate.lastOffset(), -1, logStartOffset, true, false);
            }
            long next = firstOffset;
            for (MutableRecordBatch batch : records.batches()) {
                long last = next + (batch.lastOffset() - batch.baseOffset());
                batch.setLastOffset(last);
                batch.setPartitionLeaderEpoch(leaderEpoch);
                if (logAppendTime) {
                    batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
                }
                next = last + 1;
            }
            long lastOffset = next - 1;
            long segmentTimestamp = logAppendTime ? now : maxTimestamp;
            try {
                LogSegment active = maybeRoll(cfg, records.sizeInBytes(), segmentTimestamp, lastOffset, now);
                active.append(records, lastOffset);
            } catch (IOException e) {
                throw new KafkaStorageException("Write to the log of " + topicPartition + " failed", e);
            }
            producers.commit(producerAppend);
            firstUnstableOffset = producers.firstUnstableOffset();
            logEndOffset = lastOffset + 1;
            assignEpoch(leaderEpoch, firstOffset);
            assert offsetsInOrder() : offsets();
            boolean flushNeeded = logEndOffset - recoveryPoint >= cfg.flushMessages();
            return new AppendInfo(firstOffset, lastOffset, logAppendTime ? now : -1, logStartOffset, false, flushNeeded);
        }
    }

    @Override
    public AppendInfo appendMarker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                                   int leaderEpoch) {
        LogConfig cfg = config;
        long now = services.time().milliseconds();
        EndTransactionMarker marker = new EndTransactionMarker(commit ? ControlRecordType.COMMIT
                : ControlRecordType.ABORT, coordinatorEpoch);
        synchronized (lock) {
            ensureOpen();
            producers.checkMarker(producerId, producerEpoch, coordinatorEpoch);
            long offset = logEndOffset;
            MemoryRecords records = MemoryRecords.withEndTransactionMarker(offset, now, leaderEpoch, producerId,
                    producerEpoch, marker);
            try {
                LogSegment active = maybeRoll(cfg, records.sizeInBytes(), now, offset, now);
                active.append(records, offset);
                logEndOffset = offset + 1;
                assignEpoch(leaderEpoch, offset);
                completeTxn(active, producerId, producerEpoch, coordinatorEpoch, offset, now, commit);
            } catch (IOException e) {
                throw new KafkaStorageException("Write to the log of " + topicPartition + " failed", e);
            }
            assert offsetsInOrder() : offsets();
            boolean flushNeeded = logEndOffset - recoveryPoint >= cfg.flushMessages();
            return new AppendInfo(offset, offset, -1, logStartOffset, false, flushNeeded);
        }
    }

    /** Applies a marker now in {@code segment} at {@code offset} to producer state and, for an abort, the index. */
    private void completeTxn(LogSegment segment, long producerId, short producerEpoch, int coordinatorEpoch,
                             long offset, long timestamp, boolean commit) throws IOException {
        CompletedTxn txn = producers.completeTxn(producerId, producerEpoch, coordinatorEpoch, offset, timestamp,
                commit);
        if (txn != null && txn.aborted()) {
            segment.txnIndex().append(new TxnIndexEntry(txn.producerId(), txn.firstOffset(), txn.lastOffset(),
                    producers.lastStableOffsetAfter(txn)));
        }
        firstUnstableOffset = producers.firstUnstableOffset();
    }

    /**
     * Appends batches replicated from the leader, keeping the offsets, leader epochs and
     * timestamps it assigned. Producer state is replayed without sequence or epoch checks (the
     * leader made them), transaction markers included (an ABORT adds its index entry), and the
     * leader epoch cache learns each batch's epoch.
     *
     * @return offsets appended ({@code -1} when {@code records} is empty)
     * @throws org.apache.kafka.common.InvalidRecordException the first offset is below the log
     *     end offset or offsets do not increase (the caller must truncate first)
     * @throws org.apache.kafka.common.errors.CorruptRecordException bad CRC or a partial batch
     * @throws KafkaStorageException the disk write failed; the log is left as it was
     */
    @Override
    public AppendInfo appendAsFollower(MemoryRecords records) {
        LogConfig cfg = config;
        synchronized (lock) {
            ensureOpen();
            long maxTimestamp = AppendValidator.validateReplicated(records, logEndOffset);
            if (records.sizeInBytes() == 0) {
                return new AppendInfo(-1, -1, -1, logStartOffset, false, false);
            }
            long firstOffset = -1;
            long lastOffset = -1;
            for (MutableRecordBatch batch : records.batches()) {
                firstOffset = firstOffset < 0 ? batch.baseOffset() : firstOffset;
                lastOffset = batch.lastOffset();
            }
            LogSegment active;
            try {
                active = maybeRoll(cfg, records.sizeInBytes(), maxTimestamp, lastOffset,
                        services.time().milliseconds());
                active.append(records, lastOffset);
            } catch (IOException e) {
                throw new KafkaStorageException("Write to the log of " + topicPartition + " failed", e);
            }
            try {
                for (MutableRecordBatch batch : records.batches()) {
                    if (batch.hasProducerId()) {
                        replayReplicated(active, batch);
                    }
                    assignEpoch(batch.partitionLeaderEpoch(), batch.baseOffset());
                }
            } catch (IOException e) {
                throw new KafkaStorageException("Write to the transaction index of " + topicPartition + " failed", e);
            }
            firstUnstableOffset = producers.firstUnstableOffset();
            logEndOffset = lastOffset + 1;
            assert offsetsInOrder() : offsets();
            boolean flushNeeded = logEndOffset - recoveryPoint >= cfg.flushMessages();
            return new AppendInfo(firstOffset, lastOffset, -1, logStartOffset, false, flushNeeded);
        }
    }

    /**
     * Removes every batch at or after {@code targetOffset} (a follower's divergent tail; a batch
     * holding it goes whole). Leader epochs, producer state, high watermark and recovery point
     * follow the new log end offset, which is returned. Truncating to or below the first
     * segment's base offset empties the log and restarts it at {@code targetOffset}.
     */
    @Override
    public long truncateTo(long targetOffset) {
        synchronized (flushLock) {
            return truncateToLocked(targetOffset);
        }
    }

    private long truncateToLocked(long targetOffset) {
        synchronized (lock) {
            ensureOpen();
            if (targetOffset >= logEndOffset) {
                return logEndOffset;
            }
            if (targetOffset <= segments.firstKey()) {
                truncateFullyLocked(targetOffset);
                return logEndOffset;
            }
            try {
                removeSegments(new ArrayList<>(segments.tailMap(targetOffset, true).values()));
                LogSegment last = segments.lastEntry().getValue();
                last.truncateTo(targetOffset, config);
                logEndOffset = last.nextOffset();
                highWatermark = Math.min(highWatermark, logEndOffset);
                recoveryPoint = Math.min(recoveryPoint, logEndOffset);
                logStartOffset = Math.min(logStartOffset, logEndOffset);
                epochs.truncateFromEnd(logEndOffset);
                LogLoader.rebuildProducerState(producers, segments, logEndOffset, logEndOffset);
                producers.onHighWatermarkUpdated(highWatermark);
                firstUnstableOffset = producers.firstUnstableOffset();
            } catch (IOException e) {
                throw new KafkaStorageException("Truncation of the log of " + topicPartition + " failed", e);
            }
            services.truncations().truncated(topicPartition, logEndOffset);
            assert offsetsInOrder() : offsets();
            return logEndOffset;
        }
    }

    /**
     * Deletes every segment and restarts the log empty at {@code newOffset}: log start, end,
     * high watermark and recovery point all become {@code newOffset}; leader epochs and
     * producer state are cleared.
     */
    @Override
    public void truncateFullyAndStartAt(long newOffset) {
        synchronized (flushLock) {
            truncateFullyLocked(newOffset);
        }
    }

    private void truncateFullyLocked(long newOffset) {
        synchronized (lock) {
            ensureOpen();
            try {
                removeSegments(new ArrayList<>(segments.values()));
                segments.put(newOffset, LogSegment.create(dir, newOffset, config, services.time().milliseconds(),
                        services.io()));
                logStartOffset = newOffset;
                logEndOffset = newOffset;
                highWatermark = newOffset;
                recoveryPoint = newOffset;
                epochs.truncateFromEnd(Long.MIN_VALUE);
                producers.truncateFully();
                firstUnstableOffset = Long.MAX_VALUE;
            } catch (IOException e) {
                throw new KafkaStorageException("Truncation of the log of " + topicPartition + " failed", e);
            }
            services.truncations().truncated(topicPartition, newOffset);
        }
    }

    @Override
    public LogReadInfo read(long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) {
        long startOffset = logStartOffset;
        long endOffset = logEndOffset;
        long hw = highWatermark;
        if (fetchOffset < startOffset || fetchOffset > endOffset) {
            throw new OffsetOutOfRangeException("Offset " + fetchOffset + " is out of range for " + topicPartition
                    + ": log start offset " + startOffset + ", log end offset " + endOffset);
        }
        if (fetchOffset == endOffset || fetchOffset >= maxOffsetExclusive) {
            return new LogReadInfo(MemoryRecords.EMPTY, hw, startOffset, endOffset);
        }
        BatchCursor cursor = new BatchCursor();
        try {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(fetchOffset);
            while (entry != null) {
                LogSegment segment = entry.getValue();
                int position = segment.positionOf(fetchOffset, cursor);
                if (position >= 0) {
                    int size = segment.wholeBatchesSize(position, maxBytes, maxOffsetExclusive, minOneBatch, cursor);
                    return new LogReadInfo(size == 0 ? MemoryRecords.EMPTY : new FileSlice(segment.channel(), position, size),
                            hw, startOffset, endOffset);
                }
                entry = segments.higherEntry(entry.getKey());
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Read from the log of " + topicPartition + " failed", e);
        }
        return new LogReadInfo(MemoryRecords.EMPTY, hw, startOffset, endOffset);
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long logEndOffset() {
        return logEndOffset;
    }

    @Override
    public long highWatermark() {
        return highWatermark;
    }

    /** Offset below which every batch is known to be on disk. */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    @Override
    public void updateHighWatermark(long offset) {
        synchronized (lock) {
            highWatermark = Math.min(Math.max(highWatermark, offset), logEndOffset);
            producers.onHighWatermarkUpdated(highWatermark);
            firstUnstableOffset = producers.firstUnstableOffset();
            assert offsetsInOrder() : offsets();
        }
    }

    @Override
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        try {
            return TimestampSearch.firstAtOrAfter(segments.values(), timestamp, logStartOffset);
        } catch (IOException e) {
            throw new KafkaStorageException("Timestamp lookup in the log of " + topicPartition + " failed", e);
        }
    }

    @Override
    public Optional<TimestampAndOffset> maxTimestampAndOffset() {
        try {
            return TimestampSearch.max(segments.values());
        } catch (IOException e) {
            throw new KafkaStorageException("Timestamp lookup in the log of " + topicPartition + " failed", e);
        }
    }

    @Override
    public long deleteRecordsBefore(long offset) {
        synchronized (lock) {
            ensureOpen();
            if (offset > highWatermark) {
                throw new OffsetOutOfRangeException("Cannot delete records of " + topicPartition + " before offset "
                        + offset + ": it is above the high watermark " + highWatermark);
            }
            if (offset > logStartOffset) {
                logStartOffset = offset;
                truncateEpochsFromStart();
                deleteSegments(RetentionRules.belowLogStart(logStartOffset));
            }
            assert offsetsInOrder() : offsets();
            return logStartOffset;
        }
    }

    /**
     * Deletes the segments that retention no longer keeps: wholly below the log start offset;
     * and, when {@code cleanup.policy} contains {@code delete}, older than {@code retention.ms}
     * by their largest timestamp or, oldest first, beyond {@code retention.bytes}. Only segments
     * wholly below the high watermark go; if all would, the log first rolls so an empty active
     * segment remains (as Kafka does).
     *
     * @return number of segments deleted
     */
    public int deleteOldSegments() {
        synchronized (lock) {
            if (closed) {
                return 0;
            }
            LogConfig cfg = config;
            long now = services.time().milliseconds();
            int deleted = deleteSegments(RetentionRules.belowLogStart(logStartOffset));
            if (cfg.deleteEnabled() && cfg.retentionMs() >= 0) {
                deleted += deleteSegments(RetentionRules.olderThan(now, cfg.retentionMs()));
            }
            if (cfg.deleteEnabled() && cfg.retentionBytes() >= 0) {
                deleted += deleteSegments(RetentionRules.beyondSize(sizeInBytes(), cfg.retentionBytes()));
            }
            return deleted;
        }
    }

    /** Drops the state of producers idle for {@code expirationMs} (by their last batch timestamp). */
    public void expireProducers(long expirationMs) {
        synchronized (lock) {
            producers.expire(services.time().milliseconds(), expirationMs);
        }
    }

    @Override
    public int latestEpoch() {
        return epochs.latestEpoch();
    }

    @Override
    public EpochEndOffset endOffsetForEpoch(int epoch) {
        return epochs.endOffsetFor(epoch, logEndOffset);
    }

    @Override
    public boolean hasOngoingTransaction(long producerId) {
        synchronized (lock) {
            return producers.hasOngoingTransaction(producerId);
        }
    }

    @Override
    public VerificationGuard verificationGuard(long producerId) {
        synchronized (lock) {
            return producers.verificationGuard(producerId, services.time().milliseconds());
        }
    }

    @Override
    public long lastStableOffset() {
        long hw = highWatermark;
        return Math.min(hw, Math.max(firstUnstableOffset, logStartOffset));
    }

    @Override
    public List<AbortedTxn> abortedTransactions(long fetchOffset, long upperBoundOffset) {
        List<TxnIndexEntry> entries = abortedTxnEntries(fetchOffset, upperBoundOffset);
        List<AbortedTxn> result = new ArrayList<>(entries.size());
        for (TxnIndexEntry e : entries) {
            result.add(new AbortedTxn(e.producerId(), e.firstOffset(), e.lastOffset()));
        }
        return result;
    }

    /**
     * The aborted-transaction index entries overlapping {@code [fetchOffset, upperBoundOffset)}
     * ({@code lastOffset >= fetchOffset}, {@code firstOffset < upperBoundOffset}), in first
     * offset order: searched from the segment holding {@code fetchOffset} onwards (an entry lives
     * in its marker's segment), stopping at an entry whose last stable offset reaches the bound.
     * Takes no lock.
     */
    public List<TxnIndexEntry> abortedTxnEntries(long fetchOffset, long upperBoundOffset) {
        List<TxnIndexEntry> entries = new ArrayList<>();
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(fetchOffset);
        if (entry == null) {
            entry = segments.firstEntry();
        }
        while (entry != null && !entry.getValue().txnIndex().collect(fetchOffset, upperBoundOffset, entries)) {
            entry = segments.higherEntry(entry.getKey());
        }
        entries.sort(Comparator.comparingLong(TxnIndexEntry::firstOffset));
        return entries;
    }

    @Override
    public List<ActiveProducer> activeProducers() {
        synchronized (lock) {
            return producers.activeProducers();
        }
    }

    @Override
    public long sizeInBytes() {
        long total = 0;
        for (LogSegment segment : segments.values()) {
            total += segment.committedSize();
        }
        return total;
    }

    /** Number of segments, the active one included. */
    public int numberOfSegments() {
        return segments.size();
    }

    /** Base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return new ArrayList<>(segments.keySet());
    }

    /** The segments, oldest first, the active one last (a snapshot: later rolls and swaps are not seen). */
    public List<LogSegment> segments() {
        return new ArrayList<>(segments.values());
    }

    /** Last offset of each producer's last data batch (see {@link ProducerStateManager#lastDataOffsets()}). */
    public Map<Long, Long> producerLastDataOffsets() {
        synchronized (lock) {
            return producers.lastDataOffsets();
        }
    }

    /**
     * Swaps a cleaned segment in for the segments it was cleaned from. {@code swapFile} is a
     * complete, fsynced {@code <base>.log.swap} whose base is the first old segment's. Under the
     * log lock: the old segments' files are renamed {@code .deleted} (their channels stay open,
     * so in-flight reads finish), the swap file becomes {@code <base>.log}, its indexes are built
     * (the aborted-transaction index from {@code abortedTxns}) and fsynced, the map entry of
     * {@code base} is replaced in one step and the other old entries removed; the old files go to
     * the delayed deleter. A crash at any point leaves either the old segments or the swap file,
     * which {@link LogLoader} completes (then without an aborted-transaction index: harmless, as
     * the cleaner left no aborted data in the segment).
     *
     * @param abortedTxns index entries of the ABORT markers the cleaned segment keeps, in order
     * @return false (and the swap file deleted) when the log changed meanwhile: closed, or one of
     *     {@code old} no longer in it (retention or truncation removed it)
     */
    public boolean replaceSegments(List<LogSegment> old, Path swapFile, List<TxnIndexEntry> abortedTxns)
            throws IOException {
        synchronized (lock) {
            boolean current = !closed;
            for (LogSegment segment : old) {
                current &= segments.get(segment.baseOffset()) == segment && segment != segments.lastEntry().getValue();
            }
            if (!current) {
                Files.deleteIfExists(swapFile);
                return false;
            }
            long base = old.get(0).baseOffset();
            for (LogSegment segment : old) {
                segment.markDeleted();
            }
            Files.move(swapFile, SegmentFiles.file(dir, base, SegmentFiles.LOG), StandardCopyOption.ATOMIC_MOVE);
            LogSegment cleaned = LogSegment.open(dir, base, config, services.time().milliseconds(), services.io(), false);
            for (TxnIndexEntry entry : abortedTxns) {
                cleaned.txnIndex().append(entry);
            }
            cleaned.flush();
            segments.put(base, cleaned);
            for (LogSegment segment : old.subList(1, old.size())) {
                segments.remove(segment.baseOffset());
            }
            for (LogSegment segment : old) {
                services.deleter().deleteLater(segment, config.fileDeleteDelayMs());
            }
            return true;
        }
    }

    /** Rolls a new active segment at the log end offset unless the active one is empty. */
    public void roll() {
        synchronized (lock) {
            ensureOpen();
            try {
                rollLocked();
            } catch (IOException e) {
                throw new KafkaStorageException("Roll of the log of " + topicPartition + " failed", e);
            }
        }
    }

    @Override
    public void flush() {
        synchronized (flushLock) {
            long target;
            List<LogSegment> dirty;
            ProducerStateManager.Snapshot snapshot;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                target = logEndOffset;
                Long from = segments.floorKey(recoveryPoint);
                dirty = new ArrayList<>(segments.tailMap(from == null ? segments.firstKey() : from).values());
                snapshot = producers.captureSnapshot(target);
            }
            try {
                for (LogSegment segment : dirty) {
                    forceIfOpen(segment);
                }
                producers.writeSnapshot(snapshot);
            } catch (IOException e) {
                throw new KafkaStorageException("Flush of the log of " + topicPartition + " failed", e);
            }
            recoveryPoint = Math.max(recoveryPoint, target);
            lastFlushMs = services.time().milliseconds();
        }
    }

    @Override
    public CompletableFuture<Void> flushAsync() {
        return groupCommit.request();
    }

    /** Flushes if {@code flush.ms} has passed since the last flush and there is unflushed data. */
    public void flushIfDue() {
        if (recoveryPoint < logEndOffset && services.time().milliseconds() - lastFlushMs >= config.flushMs()) {
            flush();
        }
    }

    /** Flushes, snapshots producer state, trims indexes and closes every file. */
    public void close() {
        flush();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                producers.takeSnapshot(logEndOffset);
                for (LogSegment segment : segments.values()) {
                    segment.close();
                }
            } catch (IOException e) {
                throw new KafkaStorageException("Close of the log of " + topicPartition + " failed", e);
            }
        }
    }

    /** Closes file handles and writes nothing, as a crash would (tests only). */
    public void abandon() {
        synchronized (lock) {
            closed = true;
            for (LogSegment segment : segments.values()) {
                try {
                    segment.txnIndex().close();
                    segment.channel().close();
                } catch (IOException ignored) {
                    // A crash would not have closed it either.
                }
            }
        }
    }

    /**
     * Stops the log for deletion: later calls fail, and the segments are returned so the caller
     * can close their channels once in-flight reads are done.
     */
    public List<LogSegment> closeForDeletion() {
        synchronized (lock) {
            closed = true;
            return new ArrayList<>(segments.values());
        }
    }

    /** Replays one replicated producer batch: data, or a transaction marker now in {@code segment}. */
    private void replayReplicated(LogSegment segment, MutableRecordBatch batch) throws IOException {
        if (!batch.isControlBatch()) {
            producers.replay(batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(),
                    batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp(), batch.isTransactional());
            return;
        }
        EndTransactionMarker marker = TxnMarkers.of(batch);
        if (marker != null) {
            completeTxn(segment, batch.producerId(), batch.producerEpoch(), marker.coordinatorEpoch(),
                    batch.baseOffset(), batch.maxTimestamp(), marker.controlType() == ControlRecordType.COMMIT);
        }
    }

    private ProducerAppend checkProducers(MemoryRecords records, long firstOffset, VerificationGuard guard) {
        ProducerAppend append = producers.begin(guard);
        long next = firstOffset;
        for (MutableRecordBatch batch : records.batches()) {
            long last = next + (batch.lastOffset() - batch.baseOffset());
            if (batch.hasProducerId()) {
                append.add(batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(),
                        next, last, batch.maxTimestamp(), batch.isTransactional());
            }
            next = last + 1;
        }
        return append;
    }

    private LogSegment maybeRoll(LogConfig cfg, int messagesSize, long maxTimestamp, long lastOffset, long now)
            throws IOException {
        LogSegment active = segments.lastEntry().getValue();
        if (active.shouldRoll(cfg, messagesSize, maxTimestamp, lastOffset, now)) {
            rollLocked();
            flushAsync();
            active = segments.lastEntry().getValue();
        }
        return active;
    }

    private void rollLocked() throws IOException {
        LogSegment active = segments.lastEntry().getValue();
        if (active.isEmpty()) {
            return;
        }
        long base = logEndOffset;
        LogSegment next = LogSegment.create(dir, base, config, services.time().milliseconds(), services.io());
        active.onBecomeInactive();
        segments.put(base, next);
        producers.takeSnapshot(base);
    }

    private void assignEpoch(int leaderEpoch, long startOffset) {
        try {
            epochs.assign(leaderEpoch, startOffset);
        } catch (IOException e) {
            LOG.error("Could not checkpoint leader epoch {} of {}: {}", leaderEpoch, topicPartition, e.toString());
        }
    }

    private void truncateEpochsFromStart() {
        try {
            epochs.truncateFromStart(logStartOffset);
        } catch (IOException e) {
            LOG.error("Could not checkpoint leader epochs of {}: {}", topicPartition, e.toString());
        }
    }

    /** Deletes the oldest segments while {@code predicate(segment, nextSegment)} holds; see {@link #deleteOldSegments}. */
    private int deleteSegments(BiPredicate<LogSegment, LogSegment> rule) {
        List<LogSegment> deletable;
        try {
            deletable = RetentionRules.deletable(segments, highWatermark, logEndOffset, rule);
        } catch (UncheckedIOException e) {
            throw new KafkaStorageException("Retention check of " + topicPartition + " failed", e.getCause());
        }
        if (deletable.isEmpty()) {
            return 0;
        }
        try {
            if (deletable.size() == segments.size()) {
                rollLocked();
            }
            removeSegments(deletable);
        } catch (IOException e) {
            throw new KafkaStorageException("Deleting segments of " + topicPartition + " failed", e);
        }
        long newStart = Math.max(logStartOffset, segments.firstKey());
        if (newStart != logStartOffset) {
            logStartOffset = newStart;
            truncateEpochsFromStart();
        }
        return deletable.size();
    }

    /** Takes segments out of the map and hands them to the delayed deleter. */
    private void removeSegments(List<LogSegment> removed) throws IOException {
        for (LogSegment segment : removed) {
            segments.remove(segment.baseOffset());
            segment.markDeleted();
            services.deleter().deleteLater(segment, config.fileDeleteDelayMs());
        }
    }

    private static void forceIfOpen(LogSegment segment) throws IOException {
        try {
            segment.flush();
        } catch (ClosedChannelException e) {
            // Deleted by retention since the flush started: nothing left to make durable.
        }
    }

    /** The invariant {@code logStartOffset <= highWatermark <= logEndOffset}. */
    private boolean offsetsInOrder() {
        return logStartOffset <= highWatermark && highWatermark <= logEndOffset;
    }

    private String offsets() {
        return topicPartition + ": log start " + logStartOffset + ", high watermark " + highWatermark
                + ", log end " + logEndOffset;
    }

    private void ensureOpen() {
        if (closed) {
            throw new KafkaStorageException("The log of " + topicPartition + " is closed");
        }
    }
}
