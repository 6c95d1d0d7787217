package io.runnel.storage.index;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A memory-mapped file of fixed-size entries sorted by key, appended at the end.
 *
 * <p>Thread-safety: one writer (the log's append path, under the log's lock); readers may look
 * entries up concurrently. The entry count is volatile and only raised after the entry bytes are
 * written, so a reader sees whole entries only. Resizing replaces the mapping; readers holding
 * the old one still only read entries below the count they saw.
 */
abstract class MappedIndex implements AutoCloseable {
    private final int entrySize;
    private final long baseOffset;
    private volatile Path file;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    /**
     * Opens {@code file}, creating it if missing. An existing file is taken to hold
     * {@code length / entrySize} entries (trimmed on close), so callers that do not trust it
     * (unclean shutdown) {@link #reset()} it and rebuild.
     *
     * @param maxIndexBytes the preallocated size while the segment is active
     * @param active preallocate to {@code maxIndexBytes} (else map the file as it is)
     */
    MappedIndex(Path file, long baseOffset, int maxIndexBytes, int entrySize, boolean active) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        long existing = Files.exists(file) ? Files.size(file) : 0;
        this.entries = (int) (existing / entrySize);
        int capacity = active ? Math.max(roundDown(maxIndexBytes), entries * entrySize) : entries * entrySize;
        remap(capacity);
    }

    /** Number of entries. */
    public int entries() {
        return entries;
    }

    /** True when no entry can be added. */
    public boolean isFull() {
        return entries >= maxEntries;
    }

    public long baseOffset() {
        return baseOffset;
    }

    public Path file() {
        return file;
    }

    /** True when the file length is a whole number of entries (a cheap sanity check on load). */
    public boolean lengthIsWhole() throws IOException {
        return Files.size(file) % entrySize == 0;
    }

    /** Drops every entry (before a rebuild); the file keeps its capacity. */
    public void reset() {
        entries = 0;
    }

    /** Keeps only the first {@code n} entries. */
    void truncateEntries(int n) {
        if (n < entries) {
            entries = n;
        }
    }

    /** Shrinks the file to its entries: called when the segment stops being active. */
    public void trim() throws IOException {
        remap(entries * entrySize);
    }

    /** Grows the file back to {@code maxIndexBytes} so the segment can take appends again. */
    public void resize(int maxIndexBytes) throws IOException {
        remap(Math.max(roundDown(maxIndexBytes), entries * entrySize));
    }

    public void flush() {
        mmap.force();
    }

    public void renameTo(Path target) throws IOException {
        if (Files.exists(file)) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
        file = target;
    }

    public void deleteIfExists() throws IOException {
        mmap = null;
        Files.deleteIfExists(file);
    }

    @Override
    public void close() throws IOException {
        trim();
    }

    protected final MappedByteBuffer mmap() {
        return mmap;
    }

    protected final int entrySize() {
        return entrySize;
    }

    /** Relative offset stored for an absolute one; must fit in an int. */
    protected final int relative(long offset) {
        long rel = offset - baseOffset;
        if (rel < 0 || rel > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + offset + " out of range of segment " + baseOffset);
        }
        return (int) rel;
    }

    /** Marks one more entry written; the caller wrote its bytes at {@code entries() * entrySize}. */
    protected final void commitEntry() {
        entries = entries + 1;
    }

    /**
     * Binary search: index of the last entry whose key is at or below {@code target}, or -1.
     *
     * @param keyAt reads the key of entry {@code i} from the given mapping
     */
    protected final int largestAtOrBelow(long target, KeyReader keyAt) {
        MappedByteBuffer buf = mmap;
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt.key(buf, mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Reads the sort key of one entry. */
    @FunctionalInterface
    protected interface KeyReader {
        long key(MappedByteBuffer buf, int entry);
    }

    private void remap(int length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
            mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            maxEntries = length / entrySize;
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot map index " + file, e));
        }
    }

    private int roundDown(int bytes) {
        return bytes / entrySize * entrySize;
    }
}
