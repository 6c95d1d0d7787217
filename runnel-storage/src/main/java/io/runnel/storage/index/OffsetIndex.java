package io.runnel.storage.index;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code .index} file of a segment: sparse map from a batch's last offset to the byte
 * position of the batch in the {@code .log} file. Entries: {@code int relativeOffset, int position}.
 * See {@link MappedIndex} for thread-safety.
 */
public final class OffsetIndex extends MappedIndex {
    private static final int ENTRY_SIZE = 8;

    public OffsetIndex(Path file, long baseOffset, int maxIndexBytes, boolean active) throws IOException {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE, active);
    }

    /** Adds an entry; offsets and positions must increase. */
    public void append(long lastOffset, int position) {
        int n = entries();
        mmap().putInt(n * ENTRY_SIZE, relative(lastOffset));
        mmap().putInt(n * ENTRY_SIZE + 4, position);
        commitEntry();
    }

    /**
     * Position to start scanning from to find {@code offset}: the position of the last entry at
     * or below it, else 0 (the segment start).
     */
    public int lookupPosition(long offset) {
        int i = largestAtOrBelow(offset - baseOffset(), (buf, e) -> buf.getInt(e * ENTRY_SIZE));
        return i < 0 ? 0 : mmap().getInt(i * ENTRY_SIZE + 4);
    }

    /** Offset of the last entry, or the base offset when empty. */
    public long lastOffset() {
        int n = entries();
        return n == 0 ? baseOffset() : baseOffset() + mmap().getInt((n - 1) * ENTRY_SIZE);
    }

    /** Position of the last entry, or 0 when empty. */
    public int lastPosition() {
        int n = entries();
        return n == 0 ? 0 : mmap().getInt((n - 1) * ENTRY_SIZE + 4);
    }

    /** Drops entries at or above {@code offset} (log truncation). */
    public void truncateTo(long offset) {
        int i = largestAtOrBelow(offset - baseOffset() - 1, (buf, e) -> buf.getInt(e * ENTRY_SIZE));
        truncateEntries(i + 1);
    }
}
