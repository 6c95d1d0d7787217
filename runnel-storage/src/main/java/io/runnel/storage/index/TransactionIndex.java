package io.runnel.storage.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment's aborted-transaction index, {@code <baseOffset>.txnindex}, in Kafka's format:
 * 34-byte big-endian entries {@code int16 version (0), int64 producerId, int64 firstOffset,
 * int64 lastOffset, int64 lastStableOffset}, in the order of their ABORT markers (increasing
 * {@code lastOffset}). An entry lives in the segment holding its marker.
 *
 * <p>The file is created with the first entry (most segments never see an abort). The entries
 * are also held in memory, since read_committed fetches consult them on every read and aborts
 * are rare next to records.
 *
 * <p>Thread-safety: every method is synchronized; appends come from the log's writer and
 * searches from concurrent fetches.
 */
public final class TransactionIndex {
    /** Bytes of one entry on disk. */
    public static final int ENTRY_SIZE = 2 + 8 + 8 + 8 + 8;
    private static final short VERSION = 0;

    private final long baseOffset;
    private final List<TxnIndexEntry> entries = new ArrayList<>();
    private Path file;
    private FileChannel channel;
    private boolean dirty;

    /**
     * Opens the index of the segment at {@code baseOffset}, reading {@code file} if it exists.
     *
     * @throws CorruptIndexException the file is not whole entries of version 0 whose markers lie
     *     in the segment in increasing order, each after its transaction's first offset; the
     *     caller deletes it and rebuilds the entries from the log
     */
    public TransactionIndex(Path file, long baseOffset) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        if (Files.exists(file)) {
            load();
        }
    }

    /** Thrown when an index file fails its sanity check. */
    public static final class CorruptIndexException extends IOException {
        CorruptIndexException(String message) {
            super(message);
        }
    }

    public synchronized Path file() {
        return file;
    }

    /** True when the index holds no entry. */
    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Marker offset of the last entry, or -1. */
    public synchronized long lastOffset() {
        return entries.isEmpty() ? -1 : entries.get(entries.size() - 1).lastOffset();
    }

    /** A copy of the entries, in marker order. */
    public synchronized List<TxnIndexEntry> entries() {
        return new ArrayList<>(entries);
    }

    /**
     * Adds an entry (written to the page cache; {@link #flush()} makes it durable).
     *
     * @throws IllegalArgumentException its marker is not after the last entry's
     */
    public synchronized void append(TxnIndexEntry entry) throws IOException {
        if (entry.lastOffset() <= lastOffset() || entry.lastOffset() < baseOffset) {
            throw new IllegalArgumentException("Aborted transaction marker at " + entry.lastOffset()
                    + " does not follow the last one at " + lastOffset() + " in the index of segment " + baseOffset);
        }
        ByteBuffer buf = ByteBuffer.allocate(ENTRY_SIZE);
        buf.putShort(VERSION).putLong(entry.producerId()).putLong(entry.firstOffset()).putLong(entry.lastOffset())
                .putLong(entry.lastStableOffset()).flip();
        FileChannel ch = channel();
        long position = (long) entries.size() * ENTRY_SIZE;
        while (buf.hasRemaining()) {
            position += ch.write(buf, position);
        }
        entries.add(entry);
        dirty = true;
    }

    /**
     * Adds to {@code into} the entries with {@code lastOffset >= fetchOffset} and
     * {@code firstOffset < upperBoundOffset}.
     *
     * @return true when no later segment can hold a matching entry: an entry's last stable
     *     offset reached {@code upperBoundOffset}, so every later transaction starts at or above it
     */
    public synchronized boolean collect(long fetchOffset, long upperBoundOffset, List<TxnIndexEntry> into) {
        for (TxnIndexEntry e : entries) {
            if (e.lastOffset() >= fetchOffset && e.firstOffset() < upperBoundOffset) {
                into.add(e);
            }
            if (e.lastStableOffset() >= upperBoundOffset) {
                return true;
            }
        }
        return false;
    }

    /** Removes the entries whose marker is at or after {@code offset}. */
    public synchronized void truncateTo(long offset) throws IOException {
        int keep = entries.size();
        while (keep > 0 && entries.get(keep - 1).lastOffset() >= offset) {
            keep--;
        }
        if (keep == entries.size()) {
            return;
        }
        entries.subList(keep, entries.size()).clear();
        channel().truncate((long) keep * ENTRY_SIZE);
        dirty = true;
    }

    /** Removes every entry. */
    public synchronized void reset() throws IOException {
        truncateTo(Long.MIN_VALUE);
    }

    /** Forces appended entries to disk. */
    public synchronized void flush() throws IOException {
        if (dirty && channel != null) {
            channel.force(true);
            dirty = false;
        }
    }

    /** Renames the file (if it was created); later appends go to the new name. */
    public synchronized void renameTo(Path target) throws IOException {
        if (Files.exists(file)) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
        file = target;
    }

    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    /** Closes the file and deletes it. */
    public synchronized void deleteIfExists() throws IOException {
        close();
        Files.deleteIfExists(file);
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }
        return channel;
    }

    private void load() throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        if (buf.remaining() % ENTRY_SIZE != 0) {
            throw new CorruptIndexException("Transaction index " + file + " has a size of " + buf.remaining()
                    + " bytes, not a multiple of " + ENTRY_SIZE);
        }
        long previous = -1;
        while (buf.hasRemaining()) {
            short version = buf.getShort();
            TxnIndexEntry e = new TxnIndexEntry(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
            if (version != VERSION || e.lastOffset() < baseOffset || e.lastOffset() <= previous
                    || e.firstOffset() > e.lastOffset()) {
                throw new CorruptIndexException("Transaction index " + file + " holds a corrupt entry " + e
                        + " (version " + version + ")");
            }
            previous = e.lastOffset();
            entries.add(e);
        }
    }
}
