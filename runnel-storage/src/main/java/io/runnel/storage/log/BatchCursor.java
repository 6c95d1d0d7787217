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
 * <p>Not thread-safe: one cursor per scan, over bytes that do not change during the scan. It
 * reuses one buffer, so scanning allocates nothing per batch.
 */
public final class BatchCursor {
    /** Bytes before the {@code length} field's payload: baseOffset plus length. */
    public static final int LOG_OVERHEAD = 12;
    public static final int HEADER_SIZE = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;

    private static final int WINDOW_SIZE = 8192;

    private final ByteBuffer window = ByteBuffer.allocate(WINDOW_SIZE);
    private FileChannel windowChannel;
    private long windowStart = -1;
    private int windowLength;
    private int at;

    /**
     * Positions the cursor on the header at {@code position}. Returns false when fewer than a
     * header's bytes lie before {@code limit} (end of the valid data), true otherwise; the header
     * is not validated. Reads ahead up to 8 KiB (never past {@code limit}), so walking small
     * batches costs one read per window, not one per batch.
     */
    public boolean readAt(FileChannel channel, long position, long limit) throws IOException {
        if (limit - position < HEADER_SIZE) {
            return false;
        }
        if (channel != windowChannel || position < windowStart || position + HEADER_SIZE > windowStart + windowLength) {
            fill(channel, position, limit);
            if (windowLength < HEADER_SIZE) {
                return false;
            }
        }
        at = (int) (position - windowStart);
        return true;
    }

    public long baseOffset() {
        return window.getLong(at);
    }

    /** Whole batch size on disk, including the offset and length fields. */
    public int sizeInBytes() {
        return window.getInt(at + 8) + LOG_OVERHEAD;
    }

    public int partitionLeaderEpoch() {
        return window.getInt(at + 12);
    }

    public byte magic() {
        return window.get(at + 16);
    }

    public int lastOffsetDelta() {
        return window.getInt(at + 23);
    }

    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    public long maxTimestamp() {
        return window.getLong(at + 35);
    }

    public long producerId() {
        return window.getLong(at + 43);
    }

    public short producerEpoch() {
        return window.getShort(at + 51);
    }

    public int baseSequence() {
        return window.getInt(at + 53);
    }

    public int lastSequence() {
        int base = baseSequence();
        return base == RecordBatch.NO_SEQUENCE ? RecordBatch.NO_SEQUENCE
                : DefaultRecordBatch.incrementSequence(base, lastOffsetDelta());
    }

    public boolean isTransactional() {
        return (window.getShort(at + 21) & 0x10) != 0;
    }

    public boolean isControl() {
        return (window.getShort(at + 21) & 0x20) != 0;
    }

    /** Sanity of the fields a scan relies on, before the CRC is checked. */
    public boolean looksValid() {
        return magic() == RecordBatch.MAGIC_VALUE_V2 && sizeInBytes() >= HEADER_SIZE && lastOffsetDelta() >= 0;
    }

    private void fill(FileChannel channel, long position, long limit) throws IOException {
        window.clear().limit((int) Math.min(WINDOW_SIZE, limit - position));
        while (window.hasRemaining()) {
            if (channel.read(window, position + window.position()) < 0) {
                break;
            }
        }
        windowChannel = channel;
        windowStart = position;
        windowLength = window.position();
    }
}
