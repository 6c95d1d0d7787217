package io.runnel.storage.log;

import org.apache.kafka.common.utils.Time;

import java.util.concurrent.Executor;

/**
 * What a log borrows from its log manager.
 *
 * @param time the clock (Time.SYSTEM in production)
 * @param io segment file writes; tests substitute a failing one
 * @param flusher runs group-commit fsyncs ({@link io.runnel.storage.PartitionLog#flushAsync()})
 * @param deleter deletes the files of removed segments after {@code file.delete.delay.ms}
 */
public record LogServices(Time time, FileIo io, Executor flusher, SegmentDeleter deleter) {

    /** Closes and deletes a removed segment's files once no in-flight read can need them. */
    @FunctionalInterface
    public interface SegmentDeleter {
        /** @param delayMs {@code file.delete.delay.ms} of the log the segment belonged to */
        void deleteLater(LogSegment segment, long delayMs);
    }
}
