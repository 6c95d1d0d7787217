package io.runnel.broker.replica.fetcher;

import io.runnel.storage.EpochEndOffset;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogManager;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.StorageSettings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** KIP-101/279 truncation against a follower log holding epochs 0 (offsets 0-2), 1 (3-4) and 3 (5-7). */
class TruncationStepTest {
    @TempDir
    Path dir;
    private LogManager logs;
    private PartitionLog log;

    @BeforeEach
    void open() {
        LogConfig config = LogConfig.create(LogConfig.defaultsFromBroker(Map.of()), Map.of());
        logs = LogManager.start(List.of(dir), new StorageSettings(config, 300_000, Long.MAX_VALUE, 60_000,
                86_400_000, 600_000), Time.SYSTEM);
        log = logs.getOrCreate(new TopicPartition("t", 0), Uuid.randomUuid(), config);
        log.appendAsLeader(batch(3), 0);
        log.appendAsLeader(batch(2), 1);
        log.appendAsLeader(batch(3), 3);
        log.updateHighWatermark(2);
    }

    @AfterEach
    void close() {
        logs.close();
    }

    @Test
    void sameEpochOnBothSidesTruncatesToTheSmallerEnd() {
        assertThat(TruncationStep.of(new EpochEndOffset(3, 6), log)).isEqualTo(new TruncationStep(6, true));
        assertThat(TruncationStep.of(new EpochEndOffset(3, 20), log)).isEqualTo(new TruncationStep(8, true));
        assertThat(TruncationStep.of(new EpochEndOffset(1, 4), log)).isEqualTo(new TruncationStep(4, true));
    }

    @Test
    void anEpochTheFollowerLacksTruncatesToItsEpochBelowAndAsksAgain() {
        // The leader's largest epoch at or below 3 is 2, which this log never saw: end of epoch 1 here is 5.
        assertThat(TruncationStep.of(new EpochEndOffset(2, 7), log)).isEqualTo(new TruncationStep(5, false));
    }

    @Test
    void aLeaderWithoutEpochsSendsTheFollowerBackToItsHighWatermark() {
        assertThat(TruncationStep.of(new EpochEndOffset(-1, -1), log)).isEqualTo(new TruncationStep(2, true));
        assertThat(TruncationStep.of(new EpochEndOffset(-1, 4), log)).isEqualTo(new TruncationStep(4, true));
    }

    private static MemoryRecords batch(int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(("v" + i).getBytes());
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }
}
