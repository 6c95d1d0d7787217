package io.runnel.storage.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.BiPredicate;

/**
 * Which segments retention may delete, by Kafka's rules: walking from the oldest, a segment goes
 * while the rule holds for it, it lies wholly below the high watermark, and it is not the empty
 * active segment. Rules see a segment and the one after it (null for the active segment).
 *
 * <p>Stateless except {@link #beyondSize}, whose predicate counts down as it accepts segments.
 */
final class RetentionRules {
    private RetentionRules() {
    }

    /** The oldest segments, in order, that {@code rule} lets go. */
    static List<LogSegment> deletable(NavigableMap<Long, LogSegment> segments, long highWatermark, long logEndOffset,
                                      BiPredicate<LogSegment, LogSegment> rule) {
        List<LogSegment> deletable = new ArrayList<>();
        for (LogSegment segment : segments.values()) {
            Map.Entry<Long, LogSegment> nextEntry = segments.higherEntry(segment.baseOffset());
            LogSegment next = nextEntry == null ? null : nextEntry.getValue();
            long upperBound = next == null ? logEndOffset : next.baseOffset();
            boolean lastAndEmpty = next == null && segment.isEmpty();
            if (highWatermark < upperBound || lastAndEmpty || !rule.test(segment, next)) {
                break;
            }
            deletable.add(segment);
        }
        return deletable;
    }

    /** Segments whose every offset is below the log start offset. */
    static BiPredicate<LogSegment, LogSegment> belowLogStart(long logStartOffset) {
        return (segment, next) -> next != null && next.baseOffset() <= logStartOffset;
    }

    /** Segments whose largest timestamp (else file mtime) is more than {@code retentionMs} before now. */
    static BiPredicate<LogSegment, LogSegment> olderThan(long nowMs, long retentionMs) {
        return (segment, next) -> {
            try {
                return nowMs - segment.largestTimestampForRetention() > retentionMs;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Oldest segments whose removal keeps the log at or above {@code retentionBytes}. */
    static BiPredicate<LogSegment, LogSegment> beyondSize(long logBytes, long retentionBytes) {
        long[] excess = {logBytes - retentionBytes};
        return (segment, next) -> {
            if (excess[0] - segment.committedSize() < 0) {
                return false;
            }
            excess[0] -= segment.committedSize();
            return true;
        };
    }
}
