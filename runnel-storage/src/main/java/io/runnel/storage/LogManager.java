package io.runnel.storage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All partition logs of one broker, across its log directories.
 *
 * <p>Lifecycle: {@link #start} loads every partition directory it finds, recovering the logs of
 * an unclean stop (no clean-shutdown marker: segments after the recovery point are scanned, a
 * torn or corrupt tail is truncated and logged, indexes rebuilt, producer state restored from
 * its snapshot plus the scanned tail). It then runs retention, segment roll by time, periodic
 * flush and delayed file deletion on its own scheduler thread. {@link #close} flushes every
 * log, writes checkpoints and the clean-shutdown marker.
 *
 * <p>Thread-safe.
 */
public final class LogManager implements AutoCloseable {
    // IMPLEMENTATION: the storage module fills this in.

    /**
     * @param settings broker-wide storage settings (retention check interval, flush scheduler
     *     interval, producer id expiration...)
     */
    public static LogManager start(List<Path> logDirs, StorageSettings settings, Time time) {
        throw new UnsupportedOperationException();
    }

    /** The log of {@code tp}, created empty with {@code config} if it does not exist. */
    public PartitionLog getOrCreate(TopicPartition tp, Uuid topicId, LogConfig config) {
        throw new UnsupportedOperationException();
    }

    public Optional<PartitionLog> get(TopicPartition tp) {
        throw new UnsupportedOperationException();
    }

    /** Logs found on disk at start (topic ids read from each partition directory). */
    public Collection<PartitionLog> all() {
        throw new UnsupportedOperationException();
    }

    /** Removes the log: closed now, its directory renamed and deleted in the background. */
    public void delete(TopicPartition tp) {
        throw new UnsupportedOperationException();
    }

    /** Per log directory, the partitions it holds and their sizes, for DescribeLogDirs. */
    public Map<Path, LogDirInfo> describe() {
        throw new UnsupportedOperationException();
    }

    /** True when the previous run ended with a clean shutdown on every log directory. */
    public boolean hadCleanShutdown() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}
