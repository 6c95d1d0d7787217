package io.runnel.storage.log;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

import java.util.concurrent.Executor;

/**
 * What a log borrows from its log manager.
 *
 * @param time the clock (Time.SYSTEM in production)
 * @param io segment file writes; tests substitute a failing one
 * @param flusher runs group-commit fsyncs ({@link io.runnel.storage.PartitionLog#flushAsync()})
 * @param deleter deletes the files of removed segments after {@code file.delete.delay.ms}
 * @param truncations told after a log is truncated (the cleaner's first dirty offset follows)
 */
public record LogServices(Time time, FileIo io, Executor flusher, SegmentDeleter deleter,
                          TruncationListener truncations) {

    /** Without a truncation listener. */
    public LogServices(Time time, FileIo io, Executor flusher, SegmentDeleter deleter) {
        this(time, io, flusher, deleter, (tp, logEndOffset) -> { });
    }

    /** Hears of truncations ({@code truncateTo}, {@code truncateFullyAndStartAt}). */
    @FunctionalInterface
    public interface TruncationListener {
        /** Called under the log's lock: must not block or call back into the log. */
        void truncated(TopicPartition tp, long newLogEndOffset);
    }

    /** Closes and deletes a removed segment's files once no in-flight read can need them. */
    @FunctionalInterface
    public interface SegmentDeleter {
        /** @param delayMs {@code file.delete.delay.ms} of the log the segment belonged to */
        void deleteLater(LogSegment segment, long delayMs);
    }
}
