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
 * {@code int16 version=1, int32 crc32c of everything after it, int32 producerCount}, then per
 * producer {@code int64 producerId, int16 epoch, int64 lastTimestamp, int32 coordinatorEpoch,
 * int64 currentTxnFirstOffset, int32 batchCount} and per batch {@code int32 firstSeq,
 * int32 lastSeq, int64 firstOffset, int64 lastOffset, int64 timestamp}. Written to a temporary
 * file and renamed into place, without fsync: a snapshot only speeds recovery up (the state can
 * always be rebuilt from the log), and the CRC rejects one torn by a power loss.
 */
final class ProducerSnapshotFile {
    private static final short VERSION = 1;
    private static final int HEADER = 2 + 4 + 4;
    private static final int PRODUCER_SIZE = 8 + 2 + 8 + 4 + 8 + 4;
    private static final int BATCH_SIZE = 4 + 4 + 8 + 8 + 8;

    private ProducerSnapshotFile() {
    }

    static void write(Path file, Collection<ProducerEntry> entries) throws IOException {
        int size = HEADER;
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

    /** The entries of a snapshot; throws IOException when the file is corrupt. */
    static List<ProducerEntry> read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        try {
            short version = buf.getShort();
            int crc = buf.getInt();
            if (version != VERSION || crc != (int) Crc32C.compute(buf.array(), 6, buf.limit() - 6)) {
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
            return entries;
        } catch (RuntimeException e) {
            throw new IOException("corrupt producer snapshot " + file, e);
        }
    }
}
