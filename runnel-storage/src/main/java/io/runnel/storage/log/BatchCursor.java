package io.runnel.storage.log;

import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads v2 batch headers from a segment file one at a time, without reading records: the way
 * every scan of the log (reads, recovery, time lookups) walks batches.
 *
 * <p>Header layout (big-endian): baseOffset int64 @0, length int32 @8 (bytes after this field),
 * partitionLeaderEpoch int32 @12, magic int8 @16, crc uint32 @17, attributes int16 @21,
 * lastOffsetDelta int32 @23, baseTimestamp int64 @27, maxTimestamp int64 @35, producerId int64
 * @43, producerEpoch int16 @51, baseSequence int32 @53, recordCount int32 @57; 61 bytes.
 *
 * <p>Not thread-safe: one cursor per scan. It reuses one small buffer, so scanning allocates
 * nothing per batch.
 */
public final class BatchCursor {
    /** Bytes before the {@code length} field's payload: baseOffset plus length. */
    public static final int LOG_OVERHEAD = 12;
    public static final int HEADER_SIZE = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;

    private final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);

    /**
     * Reads the header at {@code position}. Returns false when fewer than a header's bytes lie
     * before {@code limit} (end of the valid data), true otherwise; the header is not validated.
     */
    public boolean readAt(FileChannel channel, long position, long limit) throws IOException {
        if (limit - position < HEADER_SIZE) {
            return false;
        }
        header.clear();
        while (header.hasRemaining()) {
            int n = channel.read(header, position + header.position());
            if (n < 0) {
                return false;
            }
        }
        return true;
    }

    public long baseOffset() {
        return header.getLong(0);
    }

    /** Whole batch size on disk, including the offset and length fields. */
    public int sizeInBytes() {
        return header.getInt(8) + LOG_OVERHEAD;
    }

    public int partitionLeaderEpoch() {
        return header.getInt(12);
    }

    public byte magic() {
        return header.get(16);
    }

    public int lastOffsetDelta() {
        return header.getInt(23);
    }

    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    public long maxTimestamp() {
        return header.getLong(35);
    }

    public long producerId() {
        return header.getLong(43);
    }

    public short producerEpoch() {
        return header.getShort(51);
    }

    public int baseSequence() {
        return header.getInt(53);
    }

    public int lastSequence() {
        int base = baseSequence();
        return base == RecordBatch.NO_SEQUENCE ? RecordBatch.NO_SEQUENCE
                : DefaultRecordBatch.incrementSequence(base, lastOffsetDelta());
    }

    public boolean isTransactional() {
        return (header.getShort(21) & 0x10) != 0;
    }

    public boolean isControl() {
        return (header.getShort(21) & 0x20) != 0;
    }

    /** Sanity of the fields a scan relies on, before the CRC is checked. */
    public boolean looksValid() {
        return magic() == RecordBatch.MAGIC_VALUE_V2 && sizeInBytes() >= HEADER_SIZE && lastOffsetDelta() >= 0;
    }
}
