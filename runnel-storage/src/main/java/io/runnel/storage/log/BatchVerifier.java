package io.runnel.storage.log;

import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Iterator;

/**
 * Reads whole batches from a segment file into a reused buffer: to check a CRC during recovery,
 * or to look at the records of one batch (offset by timestamp). Never used on the produce path.
 *
 * <p>Not thread-safe: one per scan.
 */
final class BatchVerifier {
    private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

    /** True when the batch at {@code position} reads whole and its CRC32C matches. */
    boolean crcMatches(FileChannel channel, long position, int size) throws IOException {
        try {
            MutableRecordBatch batch = read(channel, position, size);
            return batch != null && batch.isValid();
        } catch (CorruptRecordException e) {
            return false;
        }
    }

    /** The batch at {@code position}, backed by this verifier's buffer until the next call; null if torn. */
    MutableRecordBatch read(FileChannel channel, long position, int size) throws IOException {
        if (buffer.capacity() < size) {
            buffer = ByteBuffer.allocate(Math.max(size, buffer.capacity() * 2));
        }
        buffer.clear().limit(size);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                return null;
            }
        }
        buffer.flip();
        Iterator<MutableRecordBatch> batches = MemoryRecords.readableRecords(buffer.slice()).batches().iterator();
        return batches.hasNext() ? batches.next() : null;
    }
}
