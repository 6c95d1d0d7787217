package io.runnel.storage.log;

import io.runnel.storage.LogConfig;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Opens {@link SegmentedLog}s in a directory with a manual clock and a real flusher thread;
 * removed segments are deleted when {@link #deletePending()} is called. Close it after the test.
 */
final class TestLog implements AutoCloseable {
    static final TopicPartition TP = new TopicPartition("t", 0);

    final Path dir;
    final ManualTime time = new ManualTime();
    final List<LogSegment> pendingDeletes = new ArrayList<>();
    FileIo io = FileIo.SYSTEM;
    private final ExecutorService flusher = Executors.newSingleThreadExecutor();
    private final Uuid topicId = Uuid.randomUuid();

    TestLog(Path root) {
        this.dir = root.resolve("t-0");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LogConfig config(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(overrides);
        all.putIfAbsent("message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE));
        return LogConfig.create(LogConfig.defaultsFromBroker(Map.of()), all);
    }

    LogServices services() {
        return new LogServices(time, io, flusher, (segment, delay) -> pendingDeletes.add(segment));
    }

    SegmentedLog create(LogConfig config) throws IOException {
        return LogLoader.create(TP, topicId, dir, config, services());
    }

    SegmentedLog reopen(LogConfig config, boolean clean, LogLoader.Checkpoints checkpoints) throws IOException {
        return LogLoader.load(TP, topicId, dir, config, services(), clean, checkpoints);
    }

    void deletePending() throws IOException {
        for (LogSegment s : pendingDeletes) {
            s.closeAndDelete();
        }
        pendingDeletes.clear();
    }

    @Override
    public void close() throws IOException {
        deletePending();
        flusher.shutdown();
        try {
            flusher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
