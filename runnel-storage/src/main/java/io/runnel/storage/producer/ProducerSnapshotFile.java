package io.runnel.storage.producer;

import org.apache.kafka.common.utils.internals.Crc32C;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads and writes a producer state snapshot, {@code <dir>/%020d.snapshot}, named by the log
 * end offset it was taken at (it reflects every batch below that offset).
 *
 * <p>Format (big-endian; Runnel's own, modelled on Kafka's v1 but keeping all five batches):
 * {@code int16 version, int32 crc32c of everything after it, int32 producerCount}, then per
 * producer {@code int64 producerId, int16 epoch, int64 lastTimestamp, int32 coordinatorEpoch,
 * int64 currentTxnFirstOffset (-1: no ongoing transaction), int32 batchCount} and per batch
 * {@code int32 firstSeq, int32 lastSeq, int64 firstOffset, int64 lastOffset, int64 timestamp}.
 * Version 2 (written now) appends {@code int32 txnCount} and per transaction completed but whose
 * marker was not yet below the high watermark {@code int64 producerId, int64 firstOffset,
 * int64 lastOffset (marker), int8 aborted}, so a restart keeps the last stable offset where it
 * was; version 1 files (without that section) are still read.
 *
 * <p>Written to a temporary file and renamed into place, without fsync: a snapshot only speeds
 * recovery up (the state can always be rebuilt from the log), and the CRC rejects one torn by a
 * power loss.
 */
final class ProducerSnapshotFile {
    private static final short VERSION_1 = 1;
    private static final short VERSION = 2;
    private static final int HEADER = 2 + 4 + 4;
    private static final int PRODUCER_SIZE = 8 + 2 + 8 + 4 + 8 + 4;
    private static final int BATCH_SIZE = 4 + 4 + 8 + 8 + 8;
    private static final int TXN_SIZE = 8 + 8 + 8 + 1;

    /** What a snapshot holds. */
    record Content(List<ProducerEntry> entries, List<CompletedTxn> unreplicatedTxns) {
    }

    private ProducerSnapshotFile() {
    }

    static void write(Path file, Collection<ProducerEntry> entries, Collection<CompletedTxn> unreplicatedTxns)
            throws IOException {
        int size = HEADER + 4 + unreplicatedTxns.size() * TXN_SIZE;
        for (ProducerEntry e : entries) {
            size += PRODUCER_SIZE + e.batches.size() * BATCH_SIZE;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putShort(VERSION).putInt(0).putInt(entries.size());
        for (ProducerEntry e : entries) {
            buf.putLong(e.producerId).putShort(e.epoch).putLong(e.lastTimestamp).putInt(e.coordinatorEpoch)
                    .putLong(e.currentTxnFirstOffset).putInt(e.batches.size());
            for (BatchMetadata b : e.batches) {
                buf.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset()).putLong(b.lastOffset())
                        .putLong(b.timestamp());
            }
        }
        buf.putInt(unreplicatedTxns.size());
        for (CompletedTxn t : unreplicatedTxns) {
            buf.putLong(t.producerId()).putLong(t.firstOffset()).putLong(t.lastOffset()).put((byte) (t.aborted() ? 1 : 0));
        }
        buf.putInt(2, (int) Crc32C.compute(buf.array(), 6, size - 6));
        buf.flip();
        Path tmp = file.resolveSibling(file.getFileName() + "." + Thread.currentThread().getId() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The content of a snapshot (version 1 or 2); throws IOException when the file is corrupt. */
    static Content read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        try {
            short version = buf.getShort();
            int crc = buf.getInt();
            if ((version != VERSION && version != VERSION_1)
                    || crc != (int) Crc32C.compute(buf.array(), 6, buf.limit() - 6)) {
                throw new IOException("corrupt producer snapshot " + file);
            }
            int count = buf.getInt();
            List<ProducerEntry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ProducerEntry e = new ProducerEntry(buf.getLong());
                e.epoch = buf.getShort();
                e.lastTimestamp = buf.getLong();
                e.coordinatorEpoch = buf.getInt();
                e.currentTxnFirstOffset = buf.getLong();
                int batches = buf.getInt();
                for (int j = 0; j < batches; j++) {
                    e.batches.addLast(new BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(),
                            buf.getLong()));
                }
                entries.add(e);
            }
            List<CompletedTxn> txns = new ArrayList<>();
            if (version >= VERSION) {
                int txnCount = buf.getInt();
                for (int i = 0; i < txnCount; i++) {
                    txns.add(new CompletedTxn(buf.getLong(), buf.getLong(), buf.getLong(), buf.get() != 0));
                }
            }
            if (buf.hasRemaining()) {
                throw new IOException("corrupt producer snapshot " + file + ": " + buf.remaining() + " trailing bytes");
            }
            return new Content(entries, txns);
        } catch (RuntimeException e) {
            throw new IOException("corrupt producer snapshot " + file, e);
        }
    }
}
