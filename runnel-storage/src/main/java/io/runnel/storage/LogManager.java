package io.runnel.storage;

import io.runnel.storage.cleaner.Cleaner;
import io.runnel.storage.cleaner.CleanerStats;
import io.runnel.storage.cleaner.LogCleaner;
import io.runnel.storage.checkpoint.OffsetCheckpointFile;
import io.runnel.storage.checkpoint.PartitionMetadataFile;
import io.runnel.storage.log.FileIo;
import io.runnel.storage.log.LogLoader;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.LogServices;
import io.runnel.storage.log.SegmentedLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * All partition logs of one broker, across its log directories.
 *
 * <p>Lifecycle: {@link #start} loads every partition directory it finds, recovering the logs of
 * an unclean stop (no clean-shutdown marker: segments after the recovery point are scanned, a
 * torn or corrupt tail is truncated and logged, indexes rebuilt, producer state restored from
 * its snapshot plus the scanned tail). It then runs retention, periodic flush ({@code flush.ms}),
 * offset checkpoints, producer id expiry and delayed file deletion on its own scheduler thread,
 * group-commit fsyncs on a flusher thread, and log compaction on the cleaner's threads
 * ({@link LogCleaner}, for logs whose {@code cleanup.policy} contains {@code compact}). {@link #close} flushes every log, writes
 * checkpoints and the clean-shutdown marker.
 *
 * <p>A log directory holds partition directories ({@code <topic>-<partition>}) and the files
 * {@code .kafka_cleanshutdown}, {@code recovery-point-offset-checkpoint},
 * {@code replication-offset-checkpoint}, {@code log-start-offset-checkpoint} and
 * {@code cleaner-offset-checkpoint}; anything else
 * ({@code meta.properties}, the Raft directory {@code __cluster_metadata-0}) is left alone.
 *
 * <p>Thread-safe.
 */
public final class LogManager implements AutoCloseable {
    static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    static final String RECOVERY_POINT_FILE = "recovery-point-offset-checkpoint";
    static final String HIGH_WATERMARK_FILE = "replication-offset-checkpoint";
    static final String LOG_START_OFFSET_FILE = "log-start-offset-checkpoint";
    private static final String METADATA_LOG_DIR = "__cluster_metadata-0";
    private static final String DELETE_DIR_SUFFIX = "-delete";
    private static final long DELETE_POLL_MS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    private final List<Path> logDirs;
    private final StorageSettings settings;
    private final Time time;
    private final LogServices services;
    private final ConcurrentHashMap<TopicPartition, SegmentedLog> logs = new ConcurrentHashMap<>();
    private final PriorityBlockingQueue<DelayedDelete> delayedDeletes =
            new PriorityBlockingQueue<>(16, Comparator.comparingLong(DelayedDelete::dueMs));
    private final ScheduledExecutorService scheduler;
    private final ExecutorService flusher;
    private final boolean hadCleanShutdown;
    private final LogCleaner cleaner;
    private boolean closed;

    private LogManager(List<Path> logDirs, StorageSettings settings, Time time, FileIo io,
                       Cleaner.StepListener cleanerSteps) throws IOException {
        this.logDirs = List.copyOf(logDirs);
        this.settings = settings;
        this.time = time;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "runnel-log-scheduler"));
        this.flusher = Executors.newSingleThreadExecutor(r -> daemon(r, "runnel-log-flusher"));
        this.services = new LogServices(time, io, flusher, this::deleteLater, this::truncated);
        boolean allClean = true;
        for (Path dir : this.logDirs) {
            allClean &= loadLogDir(dir);
        }
        this.hadCleanShutdown = allClean;
        this.cleaner = new LogCleaner(settings.cleaner(), time, this.logDirs, logs::values, cleanerSteps);
    }

    /**
     * @param settings broker-wide storage settings (retention check interval, flush scheduler
     *     interval, producer id expiration...)
     */
    public static LogManager start(List<Path> logDirs, StorageSettings settings, Time time) {
        return start(logDirs, settings, time, FileIo.SYSTEM);
    }

    /** As {@link #start(List, StorageSettings, Time)}, writing segment files through {@code io} (tests). */
    public static LogManager start(List<Path> logDirs, StorageSettings settings, Time time, FileIo io) {
        return start(logDirs, settings, time, io, Cleaner.StepListener.NONE);
    }

    /** As {@link #start(List, StorageSettings, Time, FileIo)}, telling {@code cleanerSteps} each step of a clean (tests). */
    static LogManager start(List<Path> logDirs, StorageSettings settings, Time time, FileIo io,
                            Cleaner.StepListener cleanerSteps) {
        LogManager manager;
        try {
            manager = new LogManager(logDirs, settings, time, io, cleanerSteps);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot load log directories " + logDirs, e);
        }
        manager.schedulePeriodicTasks();
        manager.cleaner.startup();
        return manager;
    }

    /**
     * The log of {@code tp}, created empty with {@code config} if it does not exist. An
     * existing log takes {@code config} if it differs from its current one, and {@code topicId}
     * if it had none.
     *
     * @throws org.apache.kafka.common.errors.InconsistentTopicIdException the existing log
     *     belongs to another topic id (the topic was deleted and re-created): {@link #delete} it first
     */
    public PartitionLog getOrCreate(TopicPartition tp, Uuid topicId, LogConfig config) {
        SegmentedLog existing = logs.get(tp);
        if (existing != null) {
            existing.assignTopicId(topicId);
            if (!existing.config().equals(config)) {
                existing.updateConfig(config);
            }
            return existing;
        }
        synchronized (this) {
            ensureOpen();
            existing = logs.get(tp);
            if (existing != null) {
                return existing;
            }
            Path dir = leastLoadedLogDir().resolve(tp.topic() + "-" + tp.partition());
            try {
                Files.createDirectories(dir);
                new PartitionMetadataFile(dir).write(topicId);
                SegmentedLog log = LogLoader.create(tp, topicId, dir, config, services);
                logs.put(tp, log);
                return log;
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot create the log of " + tp + " in " + dir, e);
            }
        }
    }

    public Optional<PartitionLog> get(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    /** Logs found on disk at start (topic ids read from each partition directory) and created since. */
    public Collection<PartitionLog> all() {
        return List.copyOf(logs.values());
    }

    /** Removes the log: closed now, its directory renamed and deleted in the background. */
    public void delete(TopicPartition tp) {
        synchronized (this) {
            SegmentedLog log = logs.remove(tp);
            if (log == null) {
                return;
            }
            cleaner.forget(tp);
            List<LogSegment> segments = log.closeForDeletion();
            Path renamed = log.dir().resolveSibling(log.dir().getFileName() + "." + Uuid.randomUuid() + DELETE_DIR_SUFFIX);
            try {
                Files.move(log.dir(), renamed);
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot rename " + log.dir() + " for deletion", e);
            }
            delayedDeletes.add(new DelayedDelete(time.milliseconds() + log.config().fileDeleteDelayMs(), () -> {
                for (LogSegment segment : segments) {
                    segment.channel().close();
                }
                deleteRecursively(renamed);
            }));
        }
    }

    /**
     * Compacts the log of {@code tp} now, whatever its dirty ratio (after any clean of it in
     * progress): tests and tools. The dirty section still ends at the active segment, the high
     * watermark and {@code min.compaction.lag.ms}.
     *
     * @return what the clean did; empty when there is no such log or it does not compact
     */
    public Optional<CleanerStats> cleanLog(TopicPartition tp) {
        SegmentedLog log = logs.get(tp);
        if (log == null) {
            return Optional.empty();
        }
        try {
            return cleaner.cleanNow(log);
        } catch (IOException e) {
            throw new KafkaStorageException("Cleaning the log of " + tp + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Per log directory, the partitions it holds and their sizes, for DescribeLogDirs. */
    public Map<Path, LogDirInfo> describe() {
        Map<Path, LogDirInfo> result = new LinkedHashMap<>();
        for (Path dir : logDirs) {
            Map<TopicPartition, Long> sizes = new HashMap<>();
            logs.forEach((tp, log) -> {
                if (log.dir().getParent().equals(dir)) {
                    sizes.put(tp, log.sizeInBytes());
                }
            });
            try {
                FileStore store = Files.getFileStore(dir);
                result.put(dir, new LogDirInfo(sizes, store.getTotalSpace(), store.getUsableSpace()));
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot describe log directory " + dir, e);
            }
        }
        return result;
    }

    /** True when the previous run ended with a clean shutdown on every log directory. */
    public boolean hadCleanShutdown() {
        return hadCleanShutdown;
    }

    /** Runs retention on every log now (also run every {@code log.retention.check.interval.ms}). */
    public int cleanupLogs() {
        int deleted = 0;
        for (SegmentedLog log : logs.values()) {
            deleted += log.deleteOldSegments();
        }
        return deleted;
    }

    /** Flushes every log whose {@code flush.ms} has passed (run every {@code log.flush.scheduler.interval.ms}). */
    public void flushDirtyLogs() {
        for (SegmentedLog log : logs.values()) {
            log.flushIfDue();
        }
    }

    /** Drops idle producer ids (run every {@code producer.id.expiration.check.interval.ms}). */
    public void expireProducerIds() {
        for (SegmentedLog log : logs.values()) {
            log.expireProducers(settings.producerIdExpirationMs());
        }
    }

    /** Closes and deletes the files of removed segments and logs whose delay has passed. */
    public void deleteExpiredFiles() {
        long now = time.milliseconds();
        DelayedDelete head;
        while ((head = delayedDeletes.peek()) != null && head.dueMs() <= now) {
            DelayedDelete due = delayedDeletes.poll();
            if (due != null) {
                runQuietly(due);
            }
        }
    }

    /** Writes the recovery point, high watermark and log start offset checkpoints of every log directory. */
    public synchronized void checkpoint() {
        for (Path dir : logDirs) {
            Map<TopicPartition, Long> recoveryPoints = new HashMap<>();
            Map<TopicPartition, Long> highWatermarks = new HashMap<>();
            Map<TopicPartition, Long> startOffsets = new HashMap<>();
            logs.forEach((tp, log) -> {
                if (log.dir().getParent().equals(dir)) {
                    recoveryPoints.put(tp, log.recoveryPoint());
                    highWatermarks.put(tp, log.highWatermark());
                    startOffsets.put(tp, log.logStartOffset());
                }
            });
            try {
                new OffsetCheckpointFile(dir.resolve(RECOVERY_POINT_FILE)).write(recoveryPoints);
                new OffsetCheckpointFile(dir.resolve(HIGH_WATERMARK_FILE)).write(highWatermarks);
                new OffsetCheckpointFile(dir.resolve(LOG_START_OFFSET_FILE)).write(startOffsets);
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot write checkpoints in " + dir, e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        cleaner.close();
        stopThreads();
        boolean allClosed = true;
        for (SegmentedLog log : logs.values()) {
            try {
                log.close();
            } catch (KafkaStorageException e) {
                allClosed = false;
                LOG.error("Closing the log of {} failed", log.topicPartition(), e);
            }
        }
        checkpoint();
        for (DelayedDelete pending : delayedDeletes) {
            runQuietly(pending);
        }
        delayedDeletes.clear();
        if (!allClosed) {
            return;
        }
        for (Path dir : logDirs) {
            try {
                Files.write(dir.resolve(CLEAN_SHUTDOWN_FILE), new byte[0]);
            } catch (IOException e) {
                LOG.error("Cannot write the clean shutdown marker in {}: {}", dir, e.toString());
            }
        }
    }

    /** Stops like a crash: threads stopped, file handles closed, nothing flushed or written (tests). */
    void simulateCrash() {
        synchronized (this) {
            closed = true;
        }
        cleaner.close();
        stopThreads();
        for (SegmentedLog log : logs.values()) {
            log.abandon();
        }
    }

    private boolean loadLogDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path marker = dir.resolve(CLEAN_SHUTDOWN_FILE);
        boolean clean = Files.exists(marker);
        Map<TopicPartition, Long> recoveryPoints = readCheckpoint(dir.resolve(RECOVERY_POINT_FILE));
        Map<TopicPartition, Long> highWatermarks = readCheckpoint(dir.resolve(HIGH_WATERMARK_FILE));
        Map<TopicPartition, Long> startOffsets = readCheckpoint(dir.resolve(LOG_START_OFFSET_FILE));
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.filter(Files::isDirectory).sorted().toList();
        }
        for (Path child : children) {
            String name = child.getFileName().toString();
            if (name.endsWith(DELETE_DIR_SUFFIX)) {
                deleteRecursively(child);
                continue;
            }
            TopicPartition tp = parsePartitionDir(name);
            if (tp == null || name.equals(METADATA_LOG_DIR)) {
                continue;
            }
            Uuid topicId = new PartitionMetadataFile(child).read().orElse(Uuid.ZERO_UUID);
            LogLoader.Checkpoints checkpoints = new LogLoader.Checkpoints(recoveryPoints.getOrDefault(tp, 0L),
                    startOffsets.getOrDefault(tp, 0L), highWatermarks.getOrDefault(tp, 0L));
            SegmentedLog log = LogLoader.load(tp, topicId, child, settings.defaultLogConfig(), services, clean,
                    checkpoints);
            if (logs.putIfAbsent(tp, log) != null) {
                throw new IOException("Duplicate log directories for " + tp);
            }
        }
        Files.deleteIfExists(marker);
        return clean;
    }

    /**
     * A checkpoint's offsets; an unreadable file counts as empty (logs then recover from
     * their first segment, which is slower but safe) and is logged.
     */
    private static Map<TopicPartition, Long> readCheckpoint(Path file) {
        try {
            return new OffsetCheckpointFile(file).read();
        } catch (IOException e) {
            LOG.warn("Ignoring unreadable checkpoint {}: {}", file, e.getMessage());
            return new HashMap<>();
        }
    }

    /** {@code <topic>-<partition>} to a partition, or null for any other directory name. */
    static TopicPartition parsePartitionDir(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        String partition = name.substring(dash + 1);
        for (int i = 0; i < partition.length(); i++) {
            if (!Character.isDigit(partition.charAt(i))) {
                return null;
            }
        }
        String topic = name.substring(0, dash);
        if (!topic.matches("[a-zA-Z0-9._-]+")) {
            return null;
        }
        try {
            return new TopicPartition(topic, Integer.parseInt(partition));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void schedulePeriodicTasks() {
        every(settings.retentionCheckIntervalMs(), "retention", this::cleanupLogs);
        every(settings.flushSchedulerIntervalMs(), "flush", this::flushDirtyLogs);
        every(settings.flushOffsetCheckpointIntervalMs(), "checkpoint", this::checkpoint);
        every(settings.producerIdExpirationCheckIntervalMs(), "producer expiry", this::expireProducerIds);
        every(DELETE_POLL_MS, "file deletion", this::deleteExpiredFiles);
    }

    private void every(long intervalMs, String name, Runnable task) {
        if (intervalMs <= 0) {
            return;
        }
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Log manager task '{}' failed", name, e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** A log was truncated (never during load, so the cleaner exists by then). */
    private void truncated(TopicPartition tp, long newLogEndOffset) {
        cleaner.truncated(tp, newLogEndOffset);
    }

    private void deleteLater(LogSegment segment, long delayMs) {
        delayedDeletes.add(new DelayedDelete(time.milliseconds() + delayMs, segment::closeAndDelete));
    }

    private Path leastLoadedLogDir() {
        Map<Path, Integer> counts = new HashMap<>();
        logDirs.forEach(d -> counts.put(d, 0));
        logs.values().forEach(log -> counts.merge(log.dir().getParent(), 1, Integer::sum));
        return logDirs.stream().min(Comparator.comparingInt(counts::get)).orElseThrow();
    }

    /**
     * Lets running tasks finish rather than interrupting them: an interrupt during a
     * {@code FileChannel} operation would close that segment's channel.
     */
    private void stopThreads() {
        scheduler.shutdown();
        flusher.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS) || !flusher.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Log manager threads did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new KafkaStorageException("The log manager is closed");
        }
    }

    private static void runQuietly(DelayedDelete delete) {
        try {
            delete.action().run();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Deleting log files failed: {}", e.toString());
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** A file deletion due at {@code dueMs} ({@link Time} milliseconds). */
    private record DelayedDelete(long dueMs, IoAction action) {
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
