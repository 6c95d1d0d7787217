package io.runnel.storage.log;

import io.runnel.storage.AppendInfo;
import io.runnel.storage.Batches;
import io.runnel.storage.LogReadInfo;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentedLogTest {
    @TempDir
    Path root;
    TestLog env;

    @BeforeEach
    void setUp() {
        env = new TestLog(root);
    }

    @AfterEach
    void tearDown() throws Exception {
        env.close();
    }

    @Test
    void appendAssignsOffsetsAndEpochAndReadReturnsWholeBatches() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of()));
        AppendInfo first = log.appendAsLeader(Batches.of(env.time.milliseconds(), 3), 7);
        AppendInfo second = log.appendAsLeader(Batches.of(env.time.milliseconds(), 2), 7);

        assertThat(first.firstOffset()).isZero();
        assertThat(first.lastOffset()).isEqualTo(2);
        assertThat(second.firstOffset()).isEqualTo(3);
        assertThat(second.lastOffset()).isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(5);
        log.updateHighWatermark(5);

        List<MutableRecordBatch> batches = Batches.batchesOf(log.read(1, 1 << 20, 5, false).records());
        assertThat(batches).extracting(MutableRecordBatch::baseOffset).containsExactly(0L, 3L);
        assertThat(batches).allSatisfy(b -> {
            assertThat(b.partitionLeaderEpoch()).isEqualTo(7);
            assertThat(b.isValid()).isTrue();
        });
        assertThat(log.latestEpoch()).isEqualTo(7);
        log.close();
    }

    @Test
    void readStopsAtMaxOffsetAndMaxBytes() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of()));
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(Batches.of(env.time.milliseconds(), 2), 0);
        }
        int batchSize = Batches.batchesOf(log.read(0, 1 << 20, 2, false).records()).get(0).sizeInBytes();

        assertThat(Batches.batchesOf(log.read(0, 1 << 20, 4, false).records())).hasSize(2);
        assertThat(Batches.batchesOf(log.read(0, batchSize * 3 + 1, 10, false).records())).hasSize(3);
        assertThat(log.read(0, 1, 10, false).records().sizeInBytes()).isZero();
        assertThat(Batches.batchesOf(log.read(0, 1, 10, true).records())).hasSize(1);
        assertThat(log.read(10, 100, 10, true).records().sizeInBytes()).isZero();
        assertThatThrownBy(() -> log.read(11, 100, 11, true)).isInstanceOf(OffsetOutOfRangeException.class);
        log.close();
    }

    @Test
    void rollsWhenSegmentBytesWouldBeExceededAndReadsAcrossSegments() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of("internal.segment.bytes", "1024")));
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(Batches.of(env.time.milliseconds(), 3), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(3);
        log.updateHighWatermark(log.logEndOffset());
        long next = 0;
        while (next < log.logEndOffset()) {
            LogReadInfo info = log.read(next, 300, log.highWatermark(), true);
            List<MutableRecordBatch> batches = Batches.batchesOf(info.records());
            assertThat(batches).isNotEmpty();
            assertThat(batches.get(0).baseOffset()).isEqualTo(next);
            next = batches.get(batches.size() - 1).nextOffset();
        }
        assertThat(next).isEqualTo(60);
        log.close();
    }

    @Test
    void cleanReopenKeepsEverything() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of("internal.segment.bytes", "1024", "index.interval.bytes", "100")));
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(Batches.of(env.time.milliseconds(), 2), 1);
        }
        log.close();
        SegmentedLog reopened = env.reopen(log.config(), true, new LogLoader.Checkpoints(60, 0, 60));
        assertThat(reopened.logEndOffset()).isEqualTo(60);
        assertThat(reopened.highWatermark()).isEqualTo(60);
        for (long offset = 0; offset < 60; offset++) {
            MutableRecordBatch batch = Batches.batchesOf(reopened.read(offset, 1, 60, true).records()).get(0);
            assertThat(batch.baseOffset()).isLessThanOrEqualTo(offset);
            assertThat(batch.lastOffset()).isGreaterThanOrEqualTo(offset);
        }
        assertThat(reopened.appendAsLeader(Batches.of(env.time.milliseconds(), 1), 1).firstOffset()).isEqualTo(60);
        reopened.close();
    }

    @Test
    void rollsWhenSegmentMsHasPassedSinceTheFirstBatch() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of("segment.ms", "1000")));
        log.appendAsLeader(Batches.of(env.time.milliseconds(), 1), 0);
        env.time.advance(1000);
        log.appendAsLeader(Batches.of(env.time.milliseconds(), 1), 0);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        env.time.advance(1);
        log.appendAsLeader(Batches.of(env.time.milliseconds(), 1), 0);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
        log.close();
    }

    @Test
    void rollsWhenAnIndexIsFull() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of("segment.index.bytes", "24", "index.interval.bytes", "0")));
        for (int i = 0; i < 6; i++) {
            log.appendAsLeader(Batches.of(env.time.milliseconds() + i, 1), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(1);
        log.close();
        assertThat(java.nio.file.Files.size(SegmentFiles.file(env.dir, 0, SegmentFiles.INDEX)) % 8).isZero();
        assertThat(java.nio.file.Files.size(SegmentFiles.file(env.dir, 0, SegmentFiles.INDEX))).isLessThan(24);
    }
}
