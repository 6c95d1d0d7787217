package io.runnel.storage;

import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogManagerTest {
    static final TopicPartition TP = new TopicPartition("orders", 3);

    @TempDir
    Path dir;
    final ManualTime time = new ManualTime();

    static StorageSettings settings() {
        return new StorageSettings(LogConfig.defaults(), 300_000, Long.MAX_VALUE, 60_000, 86_400_000, 600_000);
    }

    @Test
    void createsLogsAndFindsThemAfterRestart() throws Exception {
        Uuid topicId = Uuid.randomUuid();
        try (LogManager manager = LogManager.start(List.of(dir), settings(), time)) {
            assertThat(manager.hadCleanShutdown()).isFalse();
            PartitionLog log = manager.getOrCreate(TP, topicId, LogConfig.defaults());
            log.appendAsLeader(Batches.of(time.milliseconds(), 4), 2);
            log.updateHighWatermark(4);
            assertThat(manager.getOrCreate(TP, topicId, LogConfig.defaults())).isSameAs(log);
        }
        assertThat(dir.resolve(".kafka_cleanshutdown")).exists();
        assertThat(Files.readString(dir.resolve("orders-3/partition.metadata")))
                .isEqualTo("version: 0\ntopic_id: " + topicId + "\n");

        Files.createDirectories(dir.resolve("__cluster_metadata-0"));
        Files.writeString(dir.resolve("orders-3/00000000000000000099.log.deleted"), "leftover");
        Files.writeString(dir.resolve("meta.properties"), "node.id=1\n");
        try (LogManager manager = LogManager.start(List.of(dir), settings(), time)) {
            assertThat(manager.hadCleanShutdown()).isTrue();
            assertThat(dir.resolve(".kafka_cleanshutdown")).doesNotExist();
            assertThat(manager.all()).hasSize(1);
            PartitionLog log = manager.get(TP).orElseThrow();
            assertThat(log.topicId()).isEqualTo(topicId);
            assertThat(log.logEndOffset()).isEqualTo(4);
            assertThat(log.highWatermark()).isEqualTo(4);
            assertThat(dir.resolve("orders-3/00000000000000000099.log.deleted")).doesNotExist();
            LogDirInfo info = manager.describe().get(dir);
            assertThat(info.partitionSizes()).containsOnlyKeys(TP);
            assertThat(info.partitionSizes().get(TP)).isEqualTo(log.sizeInBytes()).isPositive();
            assertThat(info.totalBytes()).isGreaterThanOrEqualTo(info.usableBytes()).isPositive();
        }
    }

    @Test
    void deleteRemovesTheDirectoryAfterTheDelay() throws Exception {
        try (LogManager manager = LogManager.start(List.of(dir), settings(), time)) {
            manager.getOrCreate(TP, Uuid.randomUuid(), LogConfig.create(LogConfig.defaultsFromBroker(Map.of()),
                    Map.of("file.delete.delay.ms", "1000")));
            manager.delete(TP);
            assertThat(manager.get(TP)).isEmpty();
            assertThat(dir.resolve("orders-3")).doesNotExist();
            time.advance(1000);
            manager.deleteExpiredFiles();
            try (var files = Files.list(dir)) {
                assertThat(files.filter(Files::isDirectory)).isEmpty();
            }
        }
    }

    @Test
    void uncleanStartRecoversFromTheCheckpointedRecoveryPoint() throws Exception {
        LogConfig small = LogConfig.create(LogConfig.defaultsFromBroker(Map.of()),
                Map.of("internal.segment.bytes", "1024", "flush.messages", "10"));
        LogManager manager = LogManager.start(List.of(dir), settings(), time);
        PartitionLog log = manager.getOrCreate(TP, Uuid.randomUuid(), small);
        for (int i = 0; i < 20; i++) {
            if (log.appendAsLeader(Batches.of(time.milliseconds(), 3), 1).flushNeeded()) {
                log.flushAsync().get(10, TimeUnit.SECONDS);
            }
        }
        log.updateHighWatermark(60);
        manager.checkpoint();
        manager.simulateCrash();
        assertThat(dir.resolve(".kafka_cleanshutdown")).doesNotExist();

        try (LogManager restarted = LogManager.start(List.of(dir), settings(), time)) {
            assertThat(restarted.hadCleanShutdown()).isFalse();
            PartitionLog recovered = restarted.get(TP).orElseThrow();
            assertThat(recovered.logEndOffset()).isEqualTo(60);
            assertThat(recovered.highWatermark()).isEqualTo(60);
            assertThat(recovered.latestEpoch()).isEqualTo(1);
            assertThat(Batches.batchesOf(recovered.read(0, 1 << 20, 60, false).records())).isNotEmpty();
        }
    }

    @Test
    void schedulerRunsRetentionFlushAndProducerExpiry() throws Exception {
        StorageSettings fast = new StorageSettings(LogConfig.defaults(), 20, 20, 20, 1000, 20);
        LogConfig config = LogConfig.create(LogConfig.defaultsFromBroker(Map.of()), Map.of(
                "retention.ms", "5000", "flush.ms", "100",
                "file.delete.delay.ms", "0"));
        try (LogManager manager = LogManager.start(List.of(dir), fast, time)) {
            PartitionLog log = manager.getOrCreate(TP, Uuid.randomUuid(), config);
            for (int i = 0; i < 20; i++) {
                log.appendAsLeader(Batches.idempotent(time.milliseconds(), 3, 5L, (short) 0, i * 3), 0);
            }
            log.updateHighWatermark(log.logEndOffset());
            time.advance(100);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    Files.readString(dir.resolve("recovery-point-offset-checkpoint"))).contains("orders 3 60"));
            time.advance(5000);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(log.logStartOffset()).isEqualTo(60);
                assertThat(log.activeProducers()).isEmpty();
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (var files = Files.list(dir.resolve("orders-3"))) {
                    assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".deleted"));
                }
            });
        }
    }

    @Test
    void checkpointsCarryLogStartOffsetsAndHighWatermarksAcrossRestarts() throws Exception {
        LogConfig small = LogConfig.create(LogConfig.defaultsFromBroker(Map.of()), Map.of("internal.segment.bytes", "1024"));
        try (LogManager manager = LogManager.start(List.of(dir), settings(), time)) {
            PartitionLog log = manager.getOrCreate(TP, Uuid.randomUuid(), small);
            for (int i = 0; i < 30; i++) {
                log.appendAsLeader(Batches.of(time.milliseconds(), 2), 0);
            }
            log.updateHighWatermark(50);
            assertThat(log.deleteRecordsBefore(33)).isEqualTo(33);
        }
        assertThat(Files.readString(dir.resolve("log-start-offset-checkpoint"))).isEqualTo("0\n1\norders 3 33\n");
        assertThat(Files.readString(dir.resolve("replication-offset-checkpoint"))).isEqualTo("0\n1\norders 3 50\n");
        assertThat(Files.readString(dir.resolve("recovery-point-offset-checkpoint"))).isEqualTo("0\n1\norders 3 60\n");
        try (LogManager manager = LogManager.start(List.of(dir), settings(), time)) {
            PartitionLog log = manager.get(TP).orElseThrow();
            assertThat(log.logStartOffset()).isEqualTo(33);
            assertThat(log.highWatermark()).isEqualTo(50);
            assertThat(log.logEndOffset()).isEqualTo(60);
        }
    }

    @Test
    void partitionDirectoryNamesAreParsedStrictly() {
        assertThat(LogManager.parsePartitionDir("my-topic-12")).isEqualTo(new TopicPartition("my-topic", 12));
        assertThat(LogManager.parsePartitionDir("meta.properties")).isNull();
        assertThat(LogManager.parsePartitionDir("topic-x")).isNull();
        assertThat(LogManager.parsePartitionDir("-1")).isNull();
    }

    @Test
    void aLogOfAnotherTopicIdIsRefused() throws Exception {
        try (LogManager manager = LogManager.start(List.of(dir), settings(), time)) {
            manager.getOrCreate(TP, Uuid.randomUuid(), LogConfig.defaults());
            assertThatThrownBy(() -> manager.getOrCreate(TP, Uuid.randomUuid(), LogConfig.defaults()))
                    .isInstanceOf(InconsistentTopicIdException.class);
        }
        Files.delete(dir.resolve("orders-3/partition.metadata"));
        Uuid adopted = Uuid.randomUuid();
        try (LogManager manager = LogManager.start(List.of(dir), settings(), time)) {
            assertThat(manager.get(TP).orElseThrow().topicId()).isEqualTo(Uuid.ZERO_UUID);
            assertThat(manager.getOrCreate(TP, adopted, LogConfig.defaults()).topicId()).isEqualTo(adopted);
        }
        assertThat(Files.readString(dir.resolve("orders-3/partition.metadata"))).contains(adopted.toString());
    }
}
