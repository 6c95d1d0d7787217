package io.runnel.storage.log;

import io.runnel.storage.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;

import java.io.IOException;
import java.util.Collection;
import java.util.Optional;

/**
 * ListOffsets by timestamp over a log's segments: the time index narrows the scan, batch
 * headers (max timestamp) pick the batch, and only that one batch's records are read (and
 * decompressed) to find the exact record, as Kafka does. Not on the produce path.
 *
 * <p>Stateless; safe to run concurrently with appends (segments expose committed sizes only).
 */
final class TimestampSearch {
    private TimestampSearch() {
    }

    /** The first record at or after {@code timestamp} whose offset is at least {@code startOffset}. */
    static Optional<TimestampAndOffset> firstAtOrAfter(Collection<LogSegment> segments, long timestamp,
                                                       long startOffset) throws IOException {
        BatchCursor cursor = new BatchCursor();
        BatchVerifier reader = new BatchVerifier();
        for (LogSegment segment : segments) {
            if (segment.maxTimestamp() < timestamp) {
                continue;
            }
            int position = segment.positionOfTimestamp(timestamp, cursor);
            while (position >= 0 && cursor.readAt(segment.channel(), position, segment.committedSize())) {
                if (cursor.maxTimestamp() >= timestamp && cursor.lastOffset() >= startOffset) {
                    MutableRecordBatch batch = reader.read(segment.channel(), position, cursor.sizeInBytes());
                    for (Record record : batch) {
                        if (record.timestamp() >= timestamp && record.offset() >= startOffset) {
                            return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(),
                                    batch.partitionLeaderEpoch()));
                        }
                    }
                }
                position += cursor.sizeInBytes();
            }
        }
        return Optional.empty();
    }

    /** The first record carrying the largest timestamp in the log. */
    static Optional<TimestampAndOffset> max(Collection<LogSegment> segments) throws IOException {
        LogSegment best = null;
        for (LogSegment segment : segments) {
            if (segment.maxTimestamp() >= 0 && (best == null || segment.maxTimestamp() > best.maxTimestamp())) {
                best = segment;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        long target = best.maxTimestamp();
        BatchCursor cursor = new BatchCursor();
        int position = best.positionOfTimestamp(target, cursor);
        if (position < 0) {
            return Optional.empty();
        }
        MutableRecordBatch batch = new BatchVerifier().read(best.channel(), position, cursor.sizeInBytes());
        for (Record record : batch) {
            if (record.timestamp() == target) {
                return Optional.of(new TimestampAndOffset(target, record.offset(), batch.partitionLeaderEpoch()));
            }
        }
        return Optional.of(new TimestampAndOffset(target, batch.lastOffset(), batch.partitionLeaderEpoch()));
    }
}
