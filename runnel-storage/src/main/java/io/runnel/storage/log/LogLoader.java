package io.runnel.storage.log;

import io.runnel.storage.LogConfig;
import io.runnel.storage.index.TxnIndexEntry;
import io.runnel.storage.producer.CompletedTxn;
import io.runnel.storage.producer.ProducerStateManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * Opens a partition directory as a {@link SegmentedLog}, recovering it after an unclean stop.
 *
 * <p>Clean stop: indexes and the producer snapshot written at close are trusted. Unclean stop:
 * segments from the one holding the recovery point onwards are scanned batch by batch (header
 * sanity, increasing offsets, CRC32C); the first bad or torn batch and everything after it is
 * truncated (one WARN line names the partition, offset and bytes dropped), their indexes are
 * rebuilt, the leader epoch cache is re-derived for them, and the recovered tail is fsynced.
 * Producer state comes from the newest snapshot at or below the log end offset (the recovery
 * point after an unclean stop) plus the batch headers after it, which also rebuilds the
 * aborted-transaction index entries after that snapshot. Before any of this, a log cleaner swap
 * cut short by a crash is completed ({@code .swap} files) and half-written cleaned segments
 * ({@code .cleaned}) are deleted.
 */
public final class LogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    /** Checkpointed offsets of the partition, -1 or 0 when unknown. */
    public record Checkpoints(long recoveryPoint, long logStartOffset, long highWatermark) {
    }

    private LogLoader() {
    }

    /** Creates an empty log in {@code dir} (which must exist). */
    public static SegmentedLog create(TopicPartition tp, Uuid topicId, Path dir, LogConfig config,
                                      LogServices services) throws IOException {
        return load(tp, topicId, dir, config, services, true, new Checkpoints(0, 0, 0));
    }

    public static SegmentedLog load(TopicPartition tp, Uuid topicId, Path dir, LogConfig config, LogServices services,
                                    boolean cleanShutdown, Checkpoints checkpoints) throws IOException {
        deleteLeftovers(dir);
        completeSwaps(dir, tp);
        List<Long> bases = segmentBaseOffsets(dir);
        long now = services.time().milliseconds();
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        LeaderEpochCache epochs = LeaderEpochCache.load(dir);
        long recoveryPoint = cleanShutdown ? Long.MAX_VALUE : checkpoints.recoveryPoint();
        boolean scanned = false;
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            boolean active = i == bases.size() - 1;
            boolean trusted = !active ? bases.get(i + 1) <= recoveryPoint : recoveryPoint == Long.MAX_VALUE;
            LogSegment segment;
            if (trusted) {
                segment = LogSegment.open(dir, base, config, now, services.io(), active);
            } else {
                if (!scanned) {
                    epochs.truncateFromEnd(base);
                }
                segment = LogSegment.openForRecovery(dir, base, config, now, services.io());
                int truncated = segment.recover(config, batch -> assignEpoch(epochs, batch));
                scanned = true;
                if (!active && truncated == 0) {
                    segment.onBecomeInactive();
                }
                if (truncated > 0) {
                    LOG.warn("Partition {}: truncated {} bytes of corrupt or torn data at offset {}", tp, truncated,
                            segment.nextOffset());
                    segments.put(base, segment);
                    deleteSegmentsAfter(dir, bases.subList(i + 1, bases.size()), tp);
                    break;
                }
            }
            segments.put(base, segment);
        }
        if (segments.isEmpty()) {
            long base = Math.max(0, checkpoints.logStartOffset());
            segments.put(base, LogSegment.create(dir, base, config, now, services.io()));
        }
        long logEndOffset = segments.lastEntry().getValue().nextOffset();
        long logStartOffset = Math.min(Math.max(checkpoints.logStartOffset(), segments.firstKey()), logEndOffset);
        epochs.truncateFromEnd(logEndOffset);
        epochs.truncateFromStart(logStartOffset);
        if (scanned) {
            for (LogSegment segment : segments.values()) {
                segment.flush();
            }
        }
        ProducerStateManager producers = new ProducerStateManager(dir);
        long replayLimit = Math.min(logEndOffset, cleanShutdown ? Long.MAX_VALUE : checkpoints.recoveryPoint());
        for (LogSegment segment : segments.values()) {
            if (segment.txnIndexNeedsRebuild()) {
                LOG.warn("Partition {}: rebuilding the corrupt aborted-transaction index of segment {}", tp,
                        segment.baseOffset());
                replayLimit = Math.min(replayLimit, segment.baseOffset());
            }
        }
        rebuildProducerState(producers, segments, logEndOffset, replayLimit);
        return new SegmentedLog(tp, topicId, dir, config, services, segments, producers, epochs, logStartOffset,
                checkpoints.highWatermark(), scanned || cleanShutdown ? logEndOffset : checkpoints.recoveryPoint());
    }

    private static void assignEpoch(LeaderEpochCache epochs, BatchCursor batch) {
        try {
            epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Producer state from the newest usable snapshot at or below {@code replayLimit}, then every
     * producer batch after it. The aborted-transaction index entries of markers after the
     * snapshot are rebuilt on the way (dropped, then re-added as the replay completes each
     * aborted transaction), so an unflushed or corrupt index heals: callers pass the recovery
     * point (after an unclean stop; entries below it were flushed), the base offset of a segment
     * whose index was corrupt, or the log end offset.
     */
    static void rebuildProducerState(ProducerStateManager producers,
                                     ConcurrentSkipListMap<Long, LogSegment> segments,
                                     long logEndOffset, long replayLimit) throws IOException {
        long from = producers.loadSnapshot(Math.min(logEndOffset, replayLimit));
        if (from < 0) {
            from = segments.firstKey();
        }
        Long startSegment = segments.floorKey(from);
        BatchCursor cursor = new BatchCursor();
        for (LogSegment segment : segments.tailMap(startSegment == null ? segments.firstKey() : startSegment).values()) {
            segment.txnIndex().truncateTo(from);
            long position = 0;
            while (cursor.readAt(segment.channel(), position, segment.committedSize())) {
                if (cursor.lastOffset() >= from && cursor.producerId() >= 0) {
                    replay(producers, segment, cursor, position);
                }
                position += cursor.sizeInBytes();
            }
        }
    }

    private static void replay(ProducerStateManager producers, LogSegment segment, BatchCursor cursor, long position)
            throws IOException {
        if (!cursor.isControl()) {
            producers.replay(cursor.producerId(), cursor.producerEpoch(), cursor.baseSequence(),
                    cursor.lastSequence(), cursor.baseOffset(), cursor.lastOffset(), cursor.maxTimestamp(),
                    cursor.isTransactional());
            return;
        }
        EndTransactionMarker marker = TxnMarkers.read(segment.channel(), position, cursor.sizeInBytes());
        if (marker != null) {
            CompletedTxn txn = producers.completeTxn(cursor.producerId(), cursor.producerEpoch(),
                    marker.coordinatorEpoch(), cursor.baseOffset(), cursor.maxTimestamp(),
                    marker.controlType() == ControlRecordType.COMMIT);
            if (txn != null && txn.aborted()) {
                segment.txnIndex().append(new TxnIndexEntry(txn.producerId(), txn.firstOffset(), txn.lastOffset(),
                        producers.lastStableOffsetAfter(txn)));
            }
        }
    }

    private static void deleteSegmentsAfter(Path dir, List<Long> bases, TopicPartition tp) throws IOException {
        for (long base : bases) {
            LOG.warn("Partition {}: deleting segment {} after a corrupt one", tp, base);
            Files.deleteIfExists(SegmentFiles.file(dir, base, SegmentFiles.LOG));
            Files.deleteIfExists(SegmentFiles.file(dir, base, SegmentFiles.INDEX));
            Files.deleteIfExists(SegmentFiles.file(dir, base, SegmentFiles.TIME_INDEX));
            Files.deleteIfExists(SegmentFiles.file(dir, base, SegmentFiles.TXN_INDEX));
        }
    }

    private static void deleteLeftovers(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (SegmentFiles.isLeftover(file) || file.getFileName().toString().endsWith(".tmp")) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * Finishes a cleaner swap cut short by a crash (Kafka's rule): a {@code <base>.log.swap}
     * file is complete (it was fsynced before it got that name), so every segment whose base
     * offset lies in the swap's offset range (from {@code base} to its last offset, at least
     * {@code base} itself) is deleted with its indexes, and the swap becomes {@code <base>.log}.
     * Old segments wholly past that range hold only records the swap superseded; they stay.
     */
    private static void completeSwaps(Path dir, TopicPartition tp) throws IOException {
        List<Path> swaps;
        try (Stream<Path> files = Files.list(dir)) {
            swaps = files.filter(f -> SegmentFiles.swapOffsetOf(f) >= 0).sorted().toList();
        }
        for (Path swap : swaps) {
            long base = SegmentFiles.swapOffsetOf(swap);
            long next = Math.max(base + 1, nextOffsetOf(swap));
            for (long old : segmentBaseOffsets(dir)) {
                if (old >= base && old < next) {
                    Files.deleteIfExists(SegmentFiles.file(dir, old, SegmentFiles.LOG));
                    Files.deleteIfExists(SegmentFiles.file(dir, old, SegmentFiles.INDEX));
                    Files.deleteIfExists(SegmentFiles.file(dir, old, SegmentFiles.TIME_INDEX));
                    Files.deleteIfExists(SegmentFiles.file(dir, old, SegmentFiles.TXN_INDEX));
                }
            }
            Files.deleteIfExists(SegmentFiles.file(dir, base, SegmentFiles.INDEX));
            Files.deleteIfExists(SegmentFiles.file(dir, base, SegmentFiles.TIME_INDEX));
            Files.deleteIfExists(SegmentFiles.file(dir, base, SegmentFiles.TXN_INDEX));
            Files.move(swap, SegmentFiles.file(dir, base, SegmentFiles.LOG), StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Partition {}: completed the swap of cleaned segment {} after a crash", tp, base);
        }
    }

    /** One past the last offset of a segment file's valid batches, or -1 when it has none. */
    private static long nextOffsetOf(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            BatchCursor cursor = new BatchCursor();
            long size = channel.size();
            long position = 0;
            long next = -1;
            while (cursor.readAt(channel, position, size) && cursor.looksValid()) {
                next = cursor.lastOffset() + 1;
                position += cursor.sizeInBytes();
            }
            return next;
        }
    }

    private static List<Long> segmentBaseOffsets(Path dir) throws IOException {
        List<Long> bases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                long base = SegmentFiles.offsetOf(file, SegmentFiles.LOG);
                if (base >= 0) {
                    bases.add(base);
                }
            }
        }
        bases.sort(null);
        return bases;
    }
}
