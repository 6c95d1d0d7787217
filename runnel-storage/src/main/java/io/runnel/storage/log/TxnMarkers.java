package io.runnel.storage.log;

import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads the COMMIT/ABORT marker a control batch carries (its one record: key
 * {@code int16 version, int16 type}, value {@code int16 version, int32 coordinatorEpoch}).
 * Control batches are small and rare, so reading their record allocates; data batches are never
 * read here.
 *
 * <p>Stateless and thread-safe.
 */
public final class TxnMarkers {
    private TxnMarkers() {
    }

    /**
     * The marker of a control batch, or null when the batch holds no record (the cleaner emptied
     * it) or a control record other than COMMIT/ABORT.
     */
    public static EndTransactionMarker of(RecordBatch controlBatch) {
        try (CloseableIterator<Record> records = controlBatch.streamingIterator(BufferSupplier.NO_CACHING)) {
            if (!records.hasNext()) {
                return null;
            }
            Record record = records.next();
            ControlRecordType type = ControlRecordType.parse(record.key());
            return type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT
                    ? EndTransactionMarker.deserialize(record) : null;
        }
    }

    /** The marker of the control batch of {@code size} bytes at {@code position} of a segment file; see {@link #of}. */
    static EndTransactionMarker read(FileChannel channel, long position, int size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(size);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new IOException("Control batch at position " + position + " ends early");
            }
        }
        buf.flip();
        return of(MemoryRecords.readableRecords(buf).batches().iterator().next());
    }
}
