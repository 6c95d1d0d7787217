package io.runnel.storage.index;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code .timeindex} file of a segment: sparse map from the largest timestamp seen so far
 * (ms) to the last offset of the batch that carried it. Entries:
 * {@code long timestamp, int relativeOffset}, timestamps strictly increasing. One slot is kept
 * free so the entry written when the segment rolls always fits. See {@link MappedIndex}.
 */
public final class TimeIndex extends MappedIndex {
    private static final int ENTRY_SIZE = 12;

    public TimeIndex(Path file, long baseOffset, int maxIndexBytes, boolean active) throws IOException {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE, active);
    }

    /** True when only the slot reserved for the roll entry is left. */
    @Override
    public boolean isFull() {
        return entries() + 1 >= capacityEntries();
    }

    /**
     * Adds an entry if {@code timestamp} is larger than the last one's (and there is room). An
     * empty index counts as holding -1, so batches without timestamps (-1) never add an entry.
     */
    public void maybeAppend(long timestamp, long offset) {
        int n = entries();
        if (n >= capacityEntries() || timestamp <= lastTimestamp()) {
            return;
        }
        mmap().putLong(n * ENTRY_SIZE, timestamp);
        mmap().putInt(n * ENTRY_SIZE + 8, relative(offset));
        commitEntry();
    }

    /** Timestamp of the last entry, or -1 when empty. */
    public long lastTimestamp() {
        int n = entries();
        return n == 0 ? -1 : mmap().getLong((n - 1) * ENTRY_SIZE);
    }

    /** Offset of the last entry, or the base offset when empty. */
    public long lastOffset() {
        int n = entries();
        return n == 0 ? baseOffset() : baseOffset() + mmap().getInt((n - 1) * ENTRY_SIZE + 8);
    }

    /**
     * Offset to start scanning from for the first record at or after {@code timestamp}: the
     * offset of the last entry whose timestamp is below it, else the base offset.
     */
    public long lookupOffset(long timestamp) {
        int i = largestAtOrBelow(timestamp - 1, (buf, e) -> buf.getLong(e * ENTRY_SIZE));
        return i < 0 ? baseOffset() : baseOffset() + mmap().getInt(i * ENTRY_SIZE + 8);
    }

    /** Drops entries whose offset is at or above {@code offset} (log truncation). */
    public void truncateTo(long offset) {
        int n = entries();
        int keep = 0;
        while (keep < n && baseOffset() + mmap().getInt(keep * ENTRY_SIZE + 8) < offset) {
            keep++;
        }
        truncateEntries(keep);
    }

    private int capacityEntries() {
        return mmap().capacity() / ENTRY_SIZE;
    }
}
