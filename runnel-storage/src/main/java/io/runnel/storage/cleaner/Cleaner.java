package io.runnel.storage.cleaner;

import io.runnel.storage.LogConfig;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentFiles;
import io.runnel.storage.log.SegmentedLog;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.BufferSupplier;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Cleans one log at a time (Kafka's {@code Cleaner}): builds the offset map of the dirty
 * section, then rewrites every non-active segment below the map's end, in groups whose total
 * size stays within {@code segment.bytes}, keeping what {@link RetainLatestFilter} keeps. Records
 * of aborted transactions never enter the offset map (so they never shadow a committed value)
 * and are dropped; the cleaned segment's aborted-transaction index keeps the entries of the ABORT
 * markers it keeps.
 *
 * <p>Each group is written to {@code <base>.log.cleaned}, fsynced, renamed
 * {@code <base>.log.swap} and handed to {@link SegmentedLog#replaceSegments}; see there and
 * {@code LogLoader} for what a crash at each step leaves. Offsets never change: a kept record
 * stays at its offset, so readers and the checkpoint stay valid.
 *
 * <p>Not thread-safe: each cleaner thread owns one (its offset map and buffers).
 */
public final class Cleaner {
    /** Points of a group's clean that tests stop at to simulate a crash. */
    public enum Step { CLEANED_WRITTEN, SWAP_RENAMED }

    /** Sees each step as it completes; throwing from it aborts the clean there (tests). */
    @FunctionalInterface
    public interface StepListener {
        StepListener NONE = (step, file) -> { };

        void reached(Step step, Path file) throws IOException;
    }

    private final OffsetMap map;
    private final SegmentChunks chunks;
    private final Throttler throttler;
    private final Time time;
    private final StepListener listener;
    private final BooleanSupplier stopping;
    private final BufferSupplier decompression = BufferSupplier.create();
    private ByteBuffer writeBuffer;

    /**
     * @param dedupeBytes bound of this cleaner's offset map, in bytes
     * @param ioBufferSize initial read and write buffer size, in bytes
     * @param stopping checked between chunks: true aborts the clean (broker shutdown)
     */
    Cleaner(long dedupeBytes, int ioBufferSize, Throttler throttler, Time time, StepListener listener,
                   BooleanSupplier stopping) {
        this.map = new OffsetMap(dedupeBytes);
        this.chunks = new SegmentChunks(ioBufferSize);
        this.writeBuffer = ByteBuffer.allocate(Math.max(ioBufferSize, 1024));
        this.throttler = throttler;
        this.time = time;
        this.listener = listener;
        this.stopping = stopping;
    }

    /**
     * Cleans {@code toClean}'s log up to its first uncleanable offset, or less if the offset
     * map fills first.
     *
     * @throws CancellationException {@code stopping} became true; nothing was swapped in for
     *     the group in progress
     */
    CleanerStats clean(LogToClean toClean) throws IOException {
        SegmentedLog log = toClean.log();
        LogConfig config = log.config();
        long now = time.milliseconds();
        List<LogSegment> segments = log.segments();
        segments.remove(segments.size() - 1);
        Counters counters = new Counters();
        long endOffset = buildOffsetMap(log, segments, toClean.firstDirtyOffset(), toClean.firstUncleanableOffset(),
                counters);
        Map<Long, Long> producerLastOffsets = log.producerLastDataOffsets();
        long earliestHorizonMs = Long.MAX_VALUE;
        long walkStart = segments.isEmpty() ? endOffset : segments.get(0).baseOffset();
        long walkEnd = segments.isEmpty() ? endOffset : segments.get(segments.size() - 1).nextOffset();
        CleanedTransactions txns = new CleanedTransactions(log.abortedTxnEntries(walkStart, walkEnd));
        for (List<LogSegment> group : groups(segments, endOffset, config.segmentBytes())) {
            RetainLatestFilter filter = new RetainLatestFilter(map, endOffset, producerLastOffsets, txns, now,
                    config.deleteRetentionMs());
            cleanGroup(log, group, filter, txns, counters);
            earliestHorizonMs = Math.min(earliestHorizonMs, filter.earliestHorizonMs());
        }
        return new CleanerStats(toClean.firstDirtyOffset(), endOffset, counters.bytesRead, counters.bytesWritten,
                counters.recordsRead, counters.recordsRemoved, counters.segments, earliestHorizonMs);
    }

    /**
     * Puts the keys of the dirty section in the map; returns the offset the map covers up to:
     * the first uncleanable offset, or less when the map filled or the high watermark lies
     * inside a segment.
     */
    private long buildOffsetMap(SegmentedLog log, List<LogSegment> segments, long firstDirty, long firstUncleanable,
                                Counters counters) throws IOException {
        map.clear(firstUncleanable - firstDirty);
        CleanedTransactions txns = new CleanedTransactions(log.abortedTxnEntries(firstDirty, firstUncleanable));
        long end = firstDirty;
        for (LogSegment segment : segments) {
            if (segment.nextOffset() <= firstDirty) {
                continue;
            }
            if (segment.baseOffset() >= firstUncleanable) {
                break;
            }
            long position = 0;
            MemoryRecords run;
            while ((run = chunks.read(segment, position)).sizeInBytes() > 0) {
                checkNotStopping();
                position += run.sizeInBytes();
                counters.bytesRead += run.sizeInBytes();
                throttler.maybeThrottle(run.sizeInBytes());
                for (MutableRecordBatch batch : run.batches()) {
                    if (batch.lastOffset() >= firstUncleanable) {
                        return end;
                    }
                    if (batch.lastOffset() < firstDirty) {
                        continue;
                    }
                    Integer count = batch.countOrNull();
                    if (map.size() + (count == null ? batch.lastOffset() - batch.baseOffset() + 1 : count)
                            > map.capacity()) {
                        return end;
                    }
                    if (batch.isControlBatch()) {
                        txns.onControlBatch(batch);
                    } else if (!txns.onDataBatch(batch)) {
                        putKeys(batch, firstDirty);
                    }
                    end = batch.lastOffset() + 1;
                }
            }
        }
        return Math.max(end, firstUncleanable);
    }

    private void putKeys(MutableRecordBatch batch, long firstDirty) {
        try (CloseableIterator<Record> records = batch.streamingIterator(decompression)) {
            while (records.hasNext()) {
                Record record = records.next();
                if (record.hasKey() && record.offset() >= firstDirty) {
                    map.put(record.key(), record.offset());
                }
            }
        }
    }

    /**
     * Consecutive segments below {@code endOffset}, grouped so each group's total size stays
     * within {@code segment.bytes} and its offsets fit an index's 32-bit relative offsets.
     */
    private static List<List<LogSegment>> groups(List<LogSegment> segments, long endOffset, int segmentBytes) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> group = new ArrayList<>();
        long groupSize = 0;
        for (LogSegment segment : segments) {
            if (segment.baseOffset() >= endOffset) {
                break;
            }
            boolean fits = groupSize + segment.committedSize() <= segmentBytes
                    && segment.nextOffset() - 1 - (group.isEmpty() ? 0 : group.get(0).baseOffset()) <= Integer.MAX_VALUE;
            if (!group.isEmpty() && !fits) {
                groups.add(group);
                group = new ArrayList<>();
                groupSize = 0;
            }
            group.add(segment);
            groupSize += segment.committedSize();
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        return groups;
    }

    private void cleanGroup(SegmentedLog log, List<LogSegment> group, RetainLatestFilter filter,
                            CleanedTransactions txns, Counters counters) throws IOException {
        long base = group.get(0).baseOffset();
        Path cleaned = SegmentFiles.file(log.dir(), base, SegmentFiles.LOG + SegmentFiles.CLEANED);
        Files.deleteIfExists(cleaned);
        try {
            try (FileChannel out = FileChannel.open(cleaned, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long outPosition = 0;
                for (LogSegment segment : group) {
                    outPosition = copy(segment, filter, out, outPosition, counters);
                }
                out.force(true);
            }
            listener.reached(Step.CLEANED_WRITTEN, cleaned);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(cleaned);
            throw e;
        }
        Path swap = SegmentFiles.file(log.dir(), base, SegmentFiles.LOG + SegmentFiles.SWAP);
        Files.move(cleaned, swap, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        listener.reached(Step.SWAP_RENAMED, swap);
        if (log.replaceSegments(group, swap, txns.takeRetainedAborts())) {
            counters.segments += group.size();
        }
    }

    private long copy(LogSegment segment, RetainLatestFilter filter, FileChannel out, long outPosition,
                      Counters counters) throws IOException {
        long position = 0;
        long written = outPosition;
        MemoryRecords run;
        while ((run = chunks.read(segment, position)).sizeInBytes() > 0) {
            checkNotStopping();
            position += run.sizeInBytes();
            MemoryRecords.FilterResult result = run.filterTo(filter, writeBuffer, decompression, Integer.MAX_VALUE);
            writeBuffer = result.outputBuffer();
            writeBuffer.flip();
            int bytes = writeBuffer.remaining();
            while (writeBuffer.hasRemaining()) {
                written += out.write(writeBuffer, written);
            }
            writeBuffer.clear();
            counters.bytesRead += run.sizeInBytes();
            counters.bytesWritten += bytes;
            counters.recordsRead += result.messagesRead();
            counters.recordsRemoved += result.messagesRead() - result.messagesRetained();
            throttler.maybeThrottle(run.sizeInBytes() + (long) bytes);
        }
        return written;
    }

    private void checkNotStopping() {
        if (stopping.getAsBoolean()) {
            throw new CancellationException("The log cleaner is stopping");
        }
    }

    /** Running totals of one clean. */
    private static final class Counters {
        long bytesRead;
        long bytesWritten;
        long recordsRead;
        long recordsRemoved;
        int segments;
    }
}
