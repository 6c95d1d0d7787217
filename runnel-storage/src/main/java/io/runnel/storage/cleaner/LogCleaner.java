package io.runnel.storage.cleaner;

import io.runnel.storage.CleanerSettings;
import io.runnel.storage.checkpoint.OffsetCheckpointFile;
import io.runnel.storage.log.SegmentedLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The background log cleaner of one broker (Kafka's {@code LogCleaner} plus
 * {@code LogCleanerManager}): picks the compacted log that most needs cleaning, cleans it,
 * records where its dirty section now starts, repeats; sleeps {@code log.cleaner.backoff.ms}
 * when no log needs cleaning.
 *
 * <p>Choice: logs whose {@code max.compaction.lag.ms} passed first, then the highest dirty ratio
 * at or above {@code min.cleanable.dirty.ratio} (see {@link LogToClean}); when none, a log
 * whose kept tombstones reached their delete horizon (so tombstones go even without new data).
 *
 * <p>On disk: {@code cleaner-offset-checkpoint} in each log directory, Kafka's offset checkpoint
 * format, the first dirty offset of each partition cleaned there; rewritten after each clean.
 *
 * <p>Thread-safety: thread-safe. {@code log.cleaner.threads} daemon threads named
 * {@code runnel-log-cleaner-<n>}, each with its own {@link Cleaner}; a log is cleaned by one
 * thread at a time ({@link #cleanNow} waits for a clean in progress). I/O of all threads
 * together is throttled to {@code log.cleaner.io.max.bytes.per.second}. {@link #close} stops
 * the threads between chunks, leaving no half-swapped group. A log whose clean fails with an
 * unexpected error (a corrupt batch, say) is logged once and skipped until the broker restarts,
 * as Kafka marks it uncleanable.
 */
public final class LogCleaner implements AutoCloseable {
    public static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private final CleanerSettings settings;
    private final Time time;
    private final Supplier<Collection<SegmentedLog>> logs;
    private final BlockingQueue<Cleaner> cleaners;
    private final ConcurrentHashMap<TopicPartition, Long> firstDirtyOffsets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<TopicPartition, Long> tombstoneHorizons = new ConcurrentHashMap<>();
    private final Set<TopicPartition> inProgress = new HashSet<>();
    private final Set<TopicPartition> uncleanable = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService threads;
    private volatile boolean stopping;

    /**
     * Reads the checkpoints of {@code logDirs}; no thread runs until {@link #startup}.
     *
     * @param logs the logs of the broker, asked anew before each choice
     */
    public LogCleaner(CleanerSettings settings, Time time, List<Path> logDirs, Supplier<Collection<SegmentedLog>> logs,
                      Cleaner.StepListener listener) {
        this.settings = settings;
        this.time = time;
        this.logs = logs;
        int count = Math.max(1, settings.threads());
        Throttler throttler = new Throttler(settings.ioMaxBytesPerSecond(), time);
        this.cleaners = new ArrayBlockingQueue<>(count);
        for (int i = 0; i < count; i++) {
            cleaners.add(new Cleaner(settings.dedupeBufferSize() / count, settings.ioBufferSize() / count, throttler,
                    time, listener, () -> stopping));
        }
        for (Path dir : logDirs) {
            try {
                firstDirtyOffsets.putAll(new OffsetCheckpointFile(dir.resolve(CHECKPOINT_FILE)).read());
            } catch (IOException e) {
                LOG.warn("Ignoring unreadable cleaner checkpoint in {}: {}", dir, e.getMessage());
            }
        }
    }

    /** Starts the cleaner threads, unless {@code log.cleaner.enable} is false or there are none. */
    public synchronized void startup() {
        if (!settings.enable() || settings.threads() <= 0 || threads != null) {
            return;
        }
        int[] n = {0};
        threads = Executors.newScheduledThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "runnel-log-cleaner-" + n[0]++);
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < settings.threads(); i++) {
            threads.scheduleWithFixedDelay(this::cleanWhileDirty, 0, Math.max(1, settings.backoffMs()),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Cleans the log now, whatever its dirty ratio, after any clean of it in progress; the
     * dirty section still ends at its first uncleanable offset (active segment, high watermark,
     * {@code min.compaction.lag.ms}).
     *
     * @return the stats, or empty when the log does not compact
     */
    public Optional<CleanerStats> cleanNow(SegmentedLog log) throws IOException, InterruptedException {
        if (!log.config().compactEnabled()) {
            return Optional.empty();
        }
        TopicPartition tp = log.topicPartition();
        synchronized (this) {
            while (inProgress.contains(tp)) {
                wait();
            }
            inProgress.add(tp);
        }
        try {
            return Optional.of(clean(toClean(log, time.milliseconds())));
        } finally {
            done(tp);
        }
    }

    /**
     * A log was truncated: its first dirty offset moves down to the new log end offset, so the
     * records appended after the truncation are cleaned (Kafka's {@code maybeTruncateCheckpoint}).
     */
    public void truncated(TopicPartition tp, long newLogEndOffset) {
        firstDirtyOffsets.computeIfPresent(tp, (k, offset) -> Math.min(offset, newLogEndOffset));
    }

    /** Forgets a deleted log's checkpoint entry. */
    public void forget(TopicPartition tp) {
        uncleanable.remove(tp);
        firstDirtyOffsets.remove(tp);
        tombstoneHorizons.remove(tp);
    }

    /**
     * Stops the threads; a clean in progress is abandoned between chunks, before its group's
     * swap (checkpoints are written after each clean).
     */
    @Override
    public void close() {
        stopping = true;
        ScheduledExecutorService running;
        synchronized (this) {
            running = threads;
        }
        if (running != null) {
            running.shutdown();
            try {
                if (!running.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("Log cleaner threads did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void cleanWhileDirty() {
        try {
            while (!stopping && !Thread.currentThread().isInterrupted() && cleanFilthiestLog()) {
                // Keep cleaning while logs need it; back off once none does.
            }
        } catch (RuntimeException e) {
            LOG.error("Log cleaner pass failed", e);
        }
    }

    /** Cleans the log that most needs it; false when none does. */
    boolean cleanFilthiestLog() {
        long now = time.milliseconds();
        LogToClean chosen = choose(now);
        if (chosen == null) {
            return false;
        }
        TopicPartition tp = chosen.log().topicPartition();
        try {
            clean(chosen);
        } catch (CancellationException e) {
            LOG.info("Cleaning of {} stopped: the broker is shutting down", tp);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | KafkaStorageException e) {
            LOG.warn("Cleaning of {} failed (the log may have been deleted or truncated): {}", tp, e.toString());
            tombstoneHorizons.remove(tp);
        } catch (RuntimeException e) {
            LOG.error("Cleaning of {} failed; the log is not cleaned again until the broker restarts", tp, e);
            uncleanable.add(tp);
        } finally {
            done(tp);
        }
        return true;
    }

    private synchronized LogToClean choose(long now) {
        LogToClean best = null;
        LogToClean horizonDue = null;
        for (SegmentedLog log : logs.get()) {
            TopicPartition tp = log.topicPartition();
            if (!log.config().compactEnabled() || inProgress.contains(tp) || uncleanable.contains(tp)) {
                continue;
            }
            LogToClean candidate;
            try {
                candidate = toClean(log, now);
            } catch (IOException | KafkaStorageException e) {
                continue;
            }
            if (candidate.shouldClean()) {
                if (best == null || rank(candidate) > rank(best)) {
                    best = candidate;
                }
            } else if (horizonDue == null && tombstoneHorizons.getOrDefault(tp, Long.MAX_VALUE) <= now) {
                horizonDue = candidate;
            }
        }
        LogToClean chosen = best != null ? best : horizonDue;
        if (chosen != null) {
            inProgress.add(chosen.log().topicPartition());
        }
        return chosen;
    }

    private static double rank(LogToClean log) {
        return log.needsCompactionNow() ? 2 + log.dirtyRatio() : log.dirtyRatio();
    }

    private LogToClean toClean(SegmentedLog log, long now) throws IOException {
        return LogToClean.of(log, firstDirtyOffsets.getOrDefault(log.topicPartition(), -1L), now);
    }

    /** Cleans with a free {@link Cleaner}, waiting for one ({@link #cleanNow} may run beside the threads). */
    private CleanerStats clean(LogToClean toClean) throws IOException, InterruptedException {
        Cleaner cleaner = cleaners.take();
        TopicPartition tp = toClean.log().topicPartition();
        long startMs = time.milliseconds();
        CleanerStats stats;
        try {
            stats = cleaner.clean(toClean);
        } finally {
            cleaners.add(cleaner);
        }
        if (!logs.get().contains(toClean.log())) {
            return stats;
        }
        firstDirtyOffsets.put(tp, Math.min(stats.endOffset(), toClean.log().logEndOffset()));
        if (stats.earliestTombstoneHorizonMs() == Long.MAX_VALUE) {
            tombstoneHorizons.remove(tp);
        } else {
            tombstoneHorizons.put(tp, stats.earliestTombstoneHorizonMs());
        }
        writeCheckpoint(toClean.log().dir().getParent());
        LOG.info("Cleaned {} offsets {} to {} in {} ms: {} segments, {} bytes read, {} bytes written, "
                        + "{} of {} records removed, dirty ratio was {}", tp, stats.firstDirtyOffset(),
                stats.endOffset(), time.milliseconds() - startMs, stats.segmentsCleaned(), stats.bytesRead(),
                stats.bytesWritten(), stats.recordsRemoved(), stats.recordsRead(),
                String.format("%.2f", toClean.dirtyRatio()));
        return stats;
    }

    private synchronized void done(TopicPartition tp) {
        inProgress.remove(tp);
        notifyAll();
    }

    private synchronized void writeCheckpoint(Path logDir) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (SegmentedLog log : logs.get()) {
            Long offset = firstDirtyOffsets.get(log.topicPartition());
            if (offset != null && log.dir().getParent().equals(logDir)) {
                offsets.put(log.topicPartition(), offset);
            }
        }
        try {
            new OffsetCheckpointFile(logDir.resolve(CHECKPOINT_FILE)).write(offsets);
        } catch (IOException e) {
            LOG.error("Cannot write the cleaner checkpoint in {}: {}", logDir, e.toString());
        }
    }
}
