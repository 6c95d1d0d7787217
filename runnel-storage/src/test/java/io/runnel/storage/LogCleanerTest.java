package io.runnel.storage;

import io.runnel.storage.cleaner.CleanerStats;
import io.runnel.storage.cleaner.LogCleaner;
import io.runnel.storage.log.FileIo;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The log manager's background cleaner and its checkpoint. */
class LogCleanerTest {
    static final TopicPartition TP = new TopicPartition("compacted", 0);

    @TempDir
    Path dir;
    final ManualTime time = new ManualTime();

    static StorageSettings settings(boolean enable) {
        return new StorageSettings(LogConfig.defaults(), 300_000, Long.MAX_VALUE, 60_000, 86_400_000, 600_000,
                new CleanerSettings(enable, 1, 10, 1 << 20, 64 << 10, Double.MAX_VALUE));
    }

    static LogConfig compacted() {
        return LogConfig.create(LogConfig.defaultsFromBroker(Map.of()), Map.of("cleanup.policy", "compact",
                "internal.segment.bytes", "1024", "min.cleanable.dirty.ratio", "0.1",
                "message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE)));
    }

    private void fill(PartitionLog log, int batches) {
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(Batches.of(time.milliseconds(), 5), 0);
            log.updateHighWatermark(log.logEndOffset());
            time.advance(1);
        }
    }

    @Test
    void theBackgroundCleanerCompactsDirtyLogsAndCheckpointsWhereItStopped() throws Exception {
        Uuid topicId = Uuid.randomUuid();
        long sizeBefore;
        try (LogManager manager = LogManager.start(List.of(dir), settings(true), time, FileIo.SYSTEM)) {
            PartitionLog log = manager.getOrCreate(TP, topicId, compacted());
            PartitionLog plain = manager.getOrCreate(new TopicPartition("plain", 0), topicId, LogConfig.defaults());
            fill(plain, 10);
            long plainSize = plain.sizeInBytes();
            sizeBefore = log.sizeInBytes();
            fill(log, 60);
            long filled = log.sizeInBytes();
            await().atMost(Duration.ofSeconds(20)).until(() -> log.sizeInBytes() < filled / 3);
            assertThat(dir.resolve(LogCleaner.CHECKPOINT_FILE)).exists();
            assertThat(plain.sizeInBytes()).isEqualTo(plainSize);
        }
        try (LogManager manager = LogManager.start(List.of(dir), settings(false), time, FileIo.SYSTEM)) {
            PartitionLog log = manager.getOrCreate(TP, topicId, compacted());
            CleanerStats stats = manager.cleanLog(TP).orElseThrow();
            assertThat(stats.firstDirtyOffset()).isPositive();
            assertThat(manager.cleanLog(new TopicPartition("plain", 0))).isEmpty();
            assertThat(log.sizeInBytes()).isGreaterThan(sizeBefore);
        }
    }

    @Test
    void truncationMovesTheFirstDirtyOffsetDown() throws Exception {
        try (LogManager manager = LogManager.start(List.of(dir), settings(false), time, FileIo.SYSTEM)) {
            PartitionLog log = manager.getOrCreate(TP, Uuid.randomUuid(), compacted());
            fill(log, 60);
            long cleanedTo = manager.cleanLog(TP).orElseThrow().endOffset();
            assertThat(cleanedTo).isGreaterThan(100);

            log.truncateTo(100);
            fill(log, 60);
            assertThat(manager.cleanLog(TP).orElseThrow().firstDirtyOffset()).isLessThanOrEqualTo(100);
        }
    }
}
