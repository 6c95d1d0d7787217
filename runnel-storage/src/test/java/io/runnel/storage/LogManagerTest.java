package io.runnel.storage;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
        Files.writeString(dir.resolve("meta.properties"), "node.id=1\n");
        try (LogManager manager = LogManager.start(List.of(dir), settings(), time)) {
            assertThat(manager.hadCleanShutdown()).isTrue();
            assertThat(dir.resolve(".kafka_cleanshutdown")).doesNotExist();
            assertThat(manager.all()).hasSize(1);
            PartitionLog log = manager.get(TP).orElseThrow();
            assertThat(log.topicId()).isEqualTo(topicId);
            assertThat(log.logEndOffset()).isEqualTo(4);
            assertThat(log.highWatermark()).isEqualTo(4);
            assertThat(manager.describe().get(dir).partitionSizes()).containsOnlyKeys(TP);
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
}
