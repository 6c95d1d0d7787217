package io.runnel.storage.cleaner;

import io.runnel.storage.LogConfig;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.SegmentedLog;

import java.io.IOException;
import java.util.List;

/**
 * A compacted log seen by the cleaner at one moment: where its dirty section starts and ends,
 * and whether it needs cleaning (Kafka's {@code LogToClean} and the rules of
 * {@code LogCleanerManager}).
 *
 * <p>The dirty section starts at the checkpointed first dirty offset (the log start offset if
 * none, or if the checkpoint lies outside the log). It ends at the first uncleanable offset:
 * the smallest of the active segment's base offset, the last stable offset (below the high
 * watermark and before any undecided transaction), and the base offset of
 * the first dirty segment with a record younger than {@code min.compaction.lag.ms}. The log
 * needs cleaning when that section holds bytes and either the dirty ratio (dirty bytes over
 * clean plus dirty bytes, by whole segments) reaches {@code min.cleanable.dirty.ratio} or the
 * first dirty segment's first batch is older than {@code max.compaction.lag.ms}.
 *
 * @param cleanBytes bytes of segments before the dirty section
 * @param cleanableBytes bytes of segments in the dirty section
 * @param needsCompactionNow {@code max.compaction.lag.ms} passed for the first dirty batch
 */
record LogToClean(SegmentedLog log, long firstDirtyOffset, long firstUncleanableOffset, long cleanBytes,
                         long cleanableBytes, boolean needsCompactionNow) {

    /** @param checkpointedDirtyOffset the first dirty offset last recorded for the log, or -1 */
    static LogToClean of(SegmentedLog log, long checkpointedDirtyOffset, long nowMs) throws IOException {
        LogConfig config = log.config();
        List<LogSegment> segments = log.segments();
        long logStart = log.logStartOffset();
        long firstDirty = checkpointedDirtyOffset < logStart || checkpointedDirtyOffset > log.logEndOffset()
                ? logStart : checkpointedDirtyOffset;
        LogSegment active = segments.get(segments.size() - 1);
        long firstUncleanable = Math.min(active.baseOffset(), log.lastStableOffset());
        long cleanBytes = 0;
        long cleanableBytes = 0;
        long firstDirtyBatchTimestamp = -1;
        for (LogSegment segment : segments) {
            if (segment == active) {
                break;
            }
            if (segment.nextOffset() <= firstDirty && segment.baseOffset() < firstDirty) {
                cleanBytes += segment.committedSize();
                continue;
            }
            if (segment.baseOffset() >= firstUncleanable) {
                break;
            }
            if (config.minCompactionLagMs() > 0 && segment.maxTimestamp() > nowMs - config.minCompactionLagMs()) {
                firstUncleanable = Math.max(firstDirty, segment.baseOffset());
                break;
            }
            if (firstDirtyBatchTimestamp < 0) {
                firstDirtyBatchTimestamp = segment.firstBatchTimestamp();
            }
            cleanableBytes += segment.committedSize();
        }
        firstUncleanable = Math.max(firstDirty, firstUncleanable);
        boolean lagPassed = firstDirtyBatchTimestamp >= 0 && cleanableBytes > 0
                && nowMs - firstDirtyBatchTimestamp > config.maxCompactionLagMs();
        return new LogToClean(log, firstDirty, firstUncleanable, cleanBytes, cleanableBytes, lagPassed);
    }

    /** Dirty bytes over clean plus dirty bytes; 0 for an empty log. */
    double dirtyRatio() {
        long total = cleanBytes + cleanableBytes;
        return total == 0 ? 0 : (double) cleanableBytes / total;
    }

    /** The dirty section holds data and either the ratio or the max compaction lag says clean now. */
    boolean shouldClean() {
        return cleanableBytes > 0 && firstUncleanableOffset > firstDirtyOffset
                && (needsCompactionNow || dirtyRatio() >= log.config().minCleanableDirtyRatio());
    }
}
