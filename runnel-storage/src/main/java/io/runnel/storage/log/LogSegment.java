package io.runnel.storage.log;

import io.runnel.storage.LogConfig;
import io.runnel.storage.index.OffsetIndex;
import io.runnel.storage.index.TimeIndex;
import io.runnel.storage.index.TransactionIndex;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One segment: a {@code .log} file of record batches starting at {@link #baseOffset()}, with its
 * offset and time indexes and its aborted-transaction index.
 *
 * <p>Thread-safety: mutated by one writer at a time (the owning log's lock). Readers use
 * {@link #committedSize()}, which is raised only after the bytes are written, so they never see
 * a partial batch. The channel stays open until {@link #close()}, which the log delays by
 * {@code file.delete.delay.ms} after a deletion so in-flight zero-copy sends complete.
 */
public final class LogSegment {
    private final long baseOffset;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private boolean txnIndexCorrupt;
    private final FileIo io;
    private final long rollJitterMs;
    private final long createdMs;
    private volatile Path logFile;
    private volatile int size;
    private volatile long nextOffset;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestamp = -1;
    private long rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
    private int bytesSinceLastIndexEntry;
    private int indexIntervalBytes;

    private LogSegment(Path dir, long baseOffset, LogConfig config, long nowMs, FileIo io, boolean active)
            throws IOException {
        this.baseOffset = baseOffset;
        this.io = io;
        this.logFile = SegmentFiles.file(dir, baseOffset, SegmentFiles.LOG);
        this.channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.offsetIndex = new OffsetIndex(SegmentFiles.file(dir, baseOffset, SegmentFiles.INDEX), baseOffset,
                config.segmentIndexBytes(), active);
        this.timeIndex = new TimeIndex(SegmentFiles.file(dir, baseOffset, SegmentFiles.TIME_INDEX), baseOffset,
                config.segmentIndexBytes(), active);
        Path txnFile = SegmentFiles.file(dir, baseOffset, SegmentFiles.TXN_INDEX);
        TransactionIndex txn;
        boolean corrupt = false;
        try {
            txn = new TransactionIndex(txnFile, baseOffset);
        } catch (TransactionIndex.CorruptIndexException e) {
            Files.delete(txnFile);
            txn = new TransactionIndex(txnFile, baseOffset);
            corrupt = true;
        }
        this.txnIndex = txn;
        this.txnIndexCorrupt = corrupt;
        this.size = (int) channel.size();
        this.nextOffset = baseOffset;
        this.createdMs = nowMs;
        this.indexIntervalBytes = config.indexIntervalBytes();
        long jitter = config.segmentJitterMs();
        this.rollJitterMs = jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(Math.min(jitter, config.segmentMs()));
    }

    /** A new, empty active segment. */
    public static LogSegment create(Path dir, long baseOffset, LogConfig config, long nowMs, FileIo io)
            throws IOException {
        Files.deleteIfExists(SegmentFiles.file(dir, baseOffset, SegmentFiles.INDEX));
        Files.deleteIfExists(SegmentFiles.file(dir, baseOffset, SegmentFiles.TIME_INDEX));
        Files.deleteIfExists(SegmentFiles.file(dir, baseOffset, SegmentFiles.TXN_INDEX));
        return new LogSegment(dir, baseOffset, config, nowMs, io, true);
    }

    /**
     * Opens an existing segment whose indexes are trusted (clean shutdown, or before the
     * recovery point): reads only the batch headers after the last index entry. Missing or
     * malformed offset and time indexes are rebuilt from the batch headers; a malformed
     * aborted-transaction index is emptied and flagged ({@link #txnIndexNeedsRebuild()}), as
     * its entries need producer state to rebuild.
     */
    public static LogSegment open(Path dir, long baseOffset, LogConfig config, long nowMs, FileIo io, boolean active)
            throws IOException {
        boolean indexesPresent = Files.exists(SegmentFiles.file(dir, baseOffset, SegmentFiles.INDEX))
                && Files.exists(SegmentFiles.file(dir, baseOffset, SegmentFiles.TIME_INDEX));
        LogSegment segment = new LogSegment(dir, baseOffset, config, nowMs, io, active);
        if (!indexesPresent || !segment.indexesLookSane()) {
            segment.rebuildIndexes(config, active);
        } else {
            segment.scanTail();
        }
        if (segment.txnIndex.lastOffset() >= segment.nextOffset) {
            segment.txnIndex.reset();
            segment.txnIndexCorrupt = true;
        }
        return segment;
    }

    /** Opens an existing segment without reading it; the caller must {@link #recover} it next. */
    public static LogSegment openForRecovery(Path dir, long baseOffset, LogConfig config, long nowMs, FileIo io)
            throws IOException {
        return new LogSegment(dir, baseOffset, config, nowMs, io, true);
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Bytes of whole batches readers may see. */
    public int committedSize() {
        return size;
    }

    /** One past the last offset in this segment ({@link #baseOffset()} when empty). */
    public long nextOffset() {
        return nextOffset;
    }

    /** Largest batch max timestamp in the segment, or -1 when empty. */
    public long maxTimestamp() {
        return maxTimestamp;
    }

    public FileChannel channel() {
        return channel;
    }

    /** The aborted transactions whose marker is in this segment. */
    public TransactionIndex txnIndex() {
        return txnIndex;
    }

    /**
     * True when the aborted-transaction index failed its sanity check when the segment was
     * opened (a corrupt file, or entries past the segment's end): it was emptied, and the
     * loader rebuilds its entries by replaying the log from before this segment.
     */
    public boolean txnIndexNeedsRebuild() {
        return txnIndexCorrupt;
    }

    /** Max timestamp of the first batch (the cleaner's {@code max.compaction.lag.ms} rule), or -1 when empty. */
    public long firstBatchTimestamp() throws IOException {
        BatchCursor cursor = new BatchCursor();
        return cursor.readAt(channel, 0, size) ? cursor.maxTimestamp() : RecordBatch.NO_TIMESTAMP;
    }

    /** Timestamp retention compares against: the largest record timestamp, else the file's mtime. */
    public long largestTimestampForRetention() throws IOException {
        return maxTimestamp > 0 ? maxTimestamp : Files.getLastModifiedTime(logFile).toMillis();
    }

    /**
     * Kafka's roll rule: the append would push the file past {@code segment.bytes}; or
     * {@link LogConfig#maxSegmentMs()} minus this segment's jitter has passed since its first
     * batch (measured by the appended batches' max timestamp, or by wall clock when the segment
     * carries no timestamps); or an index is full; or an offset would not fit relative to the base.
     */
    public boolean shouldRoll(LogConfig config, int messagesSize, long maxTimestampInMessages, long maxOffsetInMessages,
                              long nowMs) {
        if (size == 0) {
            return maxOffsetInMessages - baseOffset > Integer.MAX_VALUE;
        }
        long waited = rollingBasedTimestamp >= 0 ? maxTimestampInMessages - rollingBasedTimestamp : nowMs - createdMs;
        return size > config.segmentBytes() - messagesSize
                || waited > config.maxSegmentMs() - rollJitterMs
                || offsetIndex.isFull() || timeIndex.isFull()
                || maxOffsetInMessages - baseOffset > Integer.MAX_VALUE;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Appends batches that already carry their offsets. On an I/O error the file is truncated
     * back to its previous size where possible and the error rethrown; nothing becomes visible.
     *
     * @param lastOffset last offset of the last batch in {@code records}
     */
    public void append(MemoryRecords records, long lastOffset) throws IOException {
        int start = size;
        try {
            io.writeFully(channel, records.buffer(), start);
        } catch (IOException e) {
            truncateQuietly(start);
            throw e;
        }
        int position = start;
        for (MutableRecordBatch batch : records.batches()) {
            indexBatch(batch.lastOffset(), batch.maxTimestamp(), position, batch.sizeInBytes());
            position += batch.sizeInBytes();
        }
        size = position;
        nextOffset = lastOffset + 1;
    }

    /**
     * Byte position of the first batch whose last offset is at or after {@code offset}, or -1 if
     * the segment has none below its committed size.
     */
    public int positionOf(long offset, BatchCursor cursor) throws IOException {
        long position = offsetIndex.lookupPosition(offset);
        long limit = size;
        while (cursor.readAt(channel, position, limit)) {
            if (cursor.lastOffset() >= offset) {
                return (int) position;
            }
            position += cursor.sizeInBytes();
        }
        return -1;
    }

    /**
     * Size of the run of whole batches starting at {@code position}: stops before a batch whose
     * base offset is at or above {@code maxOffsetExclusive} or that would exceed {@code maxBytes}
     * (the first batch is taken anyway when {@code minOneBatch}).
     */
    public int wholeBatchesSize(int position, int maxBytes, long maxOffsetExclusive, boolean minOneBatch,
                                BatchCursor cursor) throws IOException {
        long pos = position;
        long limit = size;
        int total = 0;
        while (cursor.readAt(channel, pos, limit) && cursor.baseOffset() < maxOffsetExclusive) {
            int batchSize = cursor.sizeInBytes();
            boolean first = total == 0;
            if ((long) total + batchSize > maxBytes && !(first && minOneBatch)) {
                break;
            }
            total += batchSize;
            pos += batchSize;
        }
        return total;
    }

    /**
     * Position of the first batch whose max timestamp is at or after {@code timestamp}, or -1.
     * The cursor is left on that batch.
     */
    public int positionOfTimestamp(long timestamp, BatchCursor cursor) throws IOException {
        long startOffset = timeIndex.lookupOffset(timestamp);
        long position = offsetIndex.lookupPosition(startOffset);
        long limit = size;
        while (cursor.readAt(channel, position, limit)) {
            if (cursor.maxTimestamp() >= timestamp) {
                return (int) position;
            }
            position += cursor.sizeInBytes();
        }
        return -1;
    }

    /**
     * Validates every batch from the start (header sanity, offsets increasing, CRC), rebuilds
     * both indexes and truncates the file at the first bad or torn batch.
     *
     * <p>Leaves the indexes preallocated: the caller calls {@link #onBecomeInactive()} if this
     * is not the active segment.
     *
     * @param visitor sees every valid batch, in order (producer state, epoch cache)
     * @return bytes truncated
     */
    public int recover(LogConfig config, BatchVisitor visitor) throws IOException {
        offsetIndex.reset();
        timeIndex.reset();
        offsetIndex.resize(config.segmentIndexBytes());
        timeIndex.resize(config.segmentIndexBytes());
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestamp = -1;
        rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
        bytesSinceLastIndexEntry = 0;
        BatchCursor cursor = new BatchCursor();
        BatchVerifier verifier = new BatchVerifier();
        long fileSize = channel.size();
        int position = 0;
        long expectedOffset = baseOffset;
        while (cursor.readAt(channel, position, fileSize) && cursor.looksValid()
                && cursor.baseOffset() >= expectedOffset
                && position + (long) cursor.sizeInBytes() <= fileSize
                && verifier.crcMatches(channel, position, cursor.sizeInBytes())) {
            visitor.visit(cursor);
            indexBatch(cursor.lastOffset(), cursor.maxTimestamp(), position, cursor.sizeInBytes());
            expectedOffset = cursor.lastOffset() + 1;
            position += cursor.sizeInBytes();
        }
        nextOffset = Math.max(baseOffset, expectedOffset);
        txnIndex.truncateTo(nextOffset);
        int truncated = (int) (fileSize - position);
        if (truncated > 0) {
            channel.truncate(position);
        }
        size = position;
        return truncated;
    }

    /**
     * Removes the batch holding {@code offset} and every later one, and makes the segment
     * appendable again (indexes regrown to {@code segment.index.bytes}).
     *
     * @return bytes removed
     */
    public int truncateTo(long offset, LogConfig config) throws IOException {
        BatchCursor cursor = new BatchCursor();
        int position = positionOf(offset, cursor);
        offsetIndex.resize(config.segmentIndexBytes());
        timeIndex.resize(config.segmentIndexBytes());
        if (position < 0) {
            return 0;
        }
        int removed = size - position;
        size = position;
        channel.truncate(position);
        offsetIndex.truncateTo(offset);
        timeIndex.truncateTo(offset);
        txnIndex.truncateTo(offset);
        rescanHeaders(cursor);
        return removed;
    }

    /** Forces the file and its indexes to disk. */
    public void flush() throws IOException {
        io.force(channel);
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    /** Called when a newer segment takes over: writes the final time index entry and trims indexes. */
    public void onBecomeInactive() throws IOException {
        if (offsetOfMaxTimestamp >= 0) {
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
        }
        offsetIndex.trim();
        timeIndex.trim();
    }

    /**
     * Renames every file to {@code <name>.deleted}; the channel stays open. A leftover of the
     * same name (a segment the cleaner replaced earlier, still waiting for its delayed deletion)
     * is replaced: both are garbage, and their open channels are unaffected.
     */
    public void markDeleted() throws IOException {
        Path target = logFile.resolveSibling(logFile.getFileName() + SegmentFiles.DELETED);
        Files.move(logFile, target, StandardCopyOption.REPLACE_EXISTING);
        logFile = target;
        offsetIndex.renameTo(offsetIndex.file().resolveSibling(offsetIndex.file().getFileName() + SegmentFiles.DELETED));
        timeIndex.renameTo(timeIndex.file().resolveSibling(timeIndex.file().getFileName() + SegmentFiles.DELETED));
        txnIndex.renameTo(txnIndex.file().resolveSibling(txnIndex.file().getFileName() + SegmentFiles.DELETED));
    }

    /** Closes the channel and deletes every file of the segment. */
    public void closeAndDelete() throws IOException {
        channel.close();
        Files.deleteIfExists(logFile);
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
        txnIndex.deleteIfExists();
    }

    /** Final time index entry, trimmed indexes, channel closed. */
    public void close() throws IOException {
        onBecomeInactive();
        txnIndex.close();
        channel.close();
    }

    /** Receives each batch a scan accepts. */
    @FunctionalInterface
    public interface BatchVisitor {
        void visit(BatchCursor batch);
    }

    private void indexBatch(long lastOffset, long batchMaxTimestamp, int position, int batchSize) {
        if (rollingBasedTimestamp == RecordBatch.NO_TIMESTAMP && batchMaxTimestamp >= 0) {
            rollingBasedTimestamp = batchMaxTimestamp;
        }
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestamp = batchMaxTimestamp;
            offsetOfMaxTimestamp = lastOffset;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull()) {
            offsetIndex.append(lastOffset, position);
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    /** Applies a new config's {@code index.interval.bytes}. */
    public void updateConfig(LogConfig config) {
        this.indexIntervalBytes = config.indexIntervalBytes();
    }

    private boolean indexesLookSane() throws IOException {
        return offsetIndex.lengthIsWhole() && timeIndex.lengthIsWhole()
                && offsetIndex.lastOffset() >= baseOffset && offsetIndex.lastPosition() <= size
                && timeIndex.lastOffset() >= baseOffset;
    }

    private void rebuildIndexes(LogConfig config, boolean active) throws IOException {
        recover(config, batch -> { });
        if (!active) {
            onBecomeInactive();
        }
    }

    /** Clean open: reads the headers after the last index entry to learn the end offset and max timestamp. */
    private void scanTail() throws IOException {
        maxTimestamp = timeIndex.lastTimestamp();
        offsetOfMaxTimestamp = timeIndex.entries() == 0 ? -1 : timeIndex.lastOffset();
        BatchCursor cursor = new BatchCursor();
        if (cursor.readAt(channel, 0, size)) {
            rollingBasedTimestamp = cursor.maxTimestamp();
        }
        long position = offsetIndex.lastPosition();
        while (cursor.readAt(channel, position, size)) {
            nextOffset = cursor.lastOffset() + 1;
            if (cursor.maxTimestamp() > maxTimestamp) {
                maxTimestamp = cursor.maxTimestamp();
                offsetOfMaxTimestamp = cursor.lastOffset();
            }
            position += cursor.sizeInBytes();
        }
        bytesSinceLastIndexEntry = size - offsetIndex.lastPosition();
    }

    /** Recomputes end offset, max timestamp and roll timestamp from every batch header. */
    private void rescanHeaders(BatchCursor cursor) throws IOException {
        nextOffset = baseOffset;
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestamp = -1;
        rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
        long position = 0;
        while (cursor.readAt(channel, position, size)) {
            if (position == 0) {
                rollingBasedTimestamp = cursor.maxTimestamp();
            }
            nextOffset = cursor.lastOffset() + 1;
            if (cursor.maxTimestamp() > maxTimestamp) {
                maxTimestamp = cursor.maxTimestamp();
                offsetOfMaxTimestamp = cursor.lastOffset();
            }
            position += cursor.sizeInBytes();
        }
        bytesSinceLastIndexEntry = size - offsetIndex.lastPosition();
    }

    private void truncateQuietly(int position) {
        try {
            channel.truncate(position);
        } catch (IOException ignored) {
            // The size readers see is unchanged; a later append overwrites the partial bytes.
        }
    }
}
