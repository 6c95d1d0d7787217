package io.runnel.storage.cleaner;

import io.runnel.storage.log.LogSegment;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a segment as runs of whole batches into one reusable buffer, which grows when a single
 * batch does not fit. Not thread-safe: one per cleaner thread; a returned run is valid until the
 * next read.
 */
final class SegmentChunks {
    private static final int LOG_OVERHEAD = 12;

    private ByteBuffer buffer;

    SegmentChunks(int bufferSize) {
        this.buffer = ByteBuffer.allocate(Math.max(bufferSize, 1024));
    }

    /** The whole batches starting at {@code position} that fit the buffer (at least one); empty at the end. */
    MemoryRecords read(LogSegment segment, long position) throws IOException {
        long limit = segment.committedSize();
        while (position < limit) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), limit - position));
            while (buffer.hasRemaining()) {
                if (segment.channel().read(buffer, position + buffer.position()) < 0) {
                    throw new IOException("Segment " + segment.baseOffset() + " ends before its committed size");
                }
            }
            int length = buffer.position();
            int whole = 0;
            while (length - whole >= LOG_OVERHEAD) {
                int size = buffer.getInt(whole + 8) + LOG_OVERHEAD;
                if (whole + size > length) {
                    if (whole == 0 && (size < LOG_OVERHEAD || size > limit - position)) {
                        throw new IOException("Corrupt batch size " + size + " in segment " + segment.baseOffset()
                                + " at position " + position);
                    }
                    if (whole == 0) {
                        buffer = ByteBuffer.allocate(size);
                    }
                    break;
                }
                whole += size;
            }
            if (whole > 0) {
                ByteBuffer run = buffer.duplicate();
                run.position(0).limit(whole);
                return MemoryRecords.readableRecords(run.slice());
            }
        }
        return MemoryRecords.EMPTY;
    }
}
