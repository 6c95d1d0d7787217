package io.runnel.storage.log;

import io.runnel.storage.Batches;
import io.runnel.storage.LogConfig;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetentionTest {
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

    private SegmentedLog log(Map<String, String> overrides, int batches) throws Exception {
        Map<String, String> all = new HashMap<>(overrides);
        all.put("internal.segment.bytes", "1024");
        SegmentedLog log = env.create(TestLog.config(all));
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(Batches.of(env.time.milliseconds(), 3), 0);
        }
        log.updateHighWatermark(log.logEndOffset());
        return log;
    }

    @Test
    void timeRetentionDeletesExpiredSegmentsAndRollsWhenAllExpired() throws Exception {
        SegmentedLog log = log(Map.of("retention.ms", "10000"), 30);
        int before = log.numberOfSegments();
        long end = log.logEndOffset();
        env.time.advance(10_002);
        assertThat(log.deleteOldSegments()).isZero();

        env.time.advance(1);
        assertThat(log.deleteOldSegments()).isEqualTo(before);

        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(end);
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(log.sizeInBytes()).isZero();
        assertThat(SegmentFiles.file(env.dir, 0, SegmentFiles.LOG + SegmentFiles.DELETED)).exists();
        env.deletePending();
        assertThat(SegmentFiles.file(env.dir, 0, SegmentFiles.LOG + SegmentFiles.DELETED)).doesNotExist();
        assertThat(log.appendAsLeader(Batches.of(env.time.milliseconds(), 1), 0).firstOffset()).isEqualTo(end);
        log.close();
    }

    @Test
    void sizeRetentionDeletesOldestFirstAndKeepsTheLimit() throws Exception {
        SegmentedLog log = log(Map.of("retention.bytes", "3000"), 40);
        assertThat(log.deleteOldSegments()).isPositive();
        long oldest = Files.size(SegmentFiles.file(env.dir, log.segmentBaseOffsets().get(0), SegmentFiles.LOG));
        assertThat(log.sizeInBytes()).isGreaterThan(3000).isLessThan(3000 + oldest);
        assertThat(log.logStartOffset()).isEqualTo(log.segmentBaseOffsets().get(0));
        assertThatThrownBy(() -> log.read(0, 100, log.highWatermark(), true)).isInstanceOf(OffsetOutOfRangeException.class);
        log.close();
    }

    @Test
    void retentionNeedsTheDeletePolicyAndSparesDataAboveTheHighWatermark() throws Exception {
        SegmentedLog compacted = log(Map.of("retention.ms", "1", "cleanup.policy", "compact"), 30);
        env.time.advance(10);
        assertThat(compacted.deleteOldSegments()).isZero();
        compacted.close();
        env.deletePending();

        TestLog other = new TestLog(root.resolve("other"));
        Map<String, String> cfg = Map.of("retention.ms", "1", "internal.segment.bytes", "1024");
        SegmentedLog log = other.create(TestLog.config(cfg));
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(Batches.of(other.time.milliseconds(), 3), 0);
        }
        other.time.advance(10);
        assertThat(log.deleteOldSegments()).isZero();
        log.updateHighWatermark(log.segmentBaseOffsets().get(2));
        assertThat(log.deleteOldSegments()).isEqualTo(2);
        log.close();
        other.close();
    }

    @Test
    void deleteRecordsMovesTheStartOffsetAndDropsWholeSegments() throws Exception {
        SegmentedLog log = log(Map.of(), 30);
        long secondBase = log.segmentBaseOffsets().get(1);
        assertThatThrownBy(() -> log.deleteRecordsBefore(log.logEndOffset() + 1))
                .isInstanceOf(OffsetOutOfRangeException.class);

        assertThat(log.deleteRecordsBefore(secondBase + 1)).isEqualTo(secondBase + 1);

        assertThat(log.segmentBaseOffsets().get(0)).isEqualTo(secondBase);
        assertThatThrownBy(() -> log.read(secondBase, 100, log.highWatermark(), true))
                .isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(log.read(secondBase + 1, 100, log.highWatermark(), true).records().sizeInBytes()).isPositive();
        LogConfig config = log.config();
        log.close();
        SegmentedLog reopened = env.reopen(config, true, new LogLoader.Checkpoints(90, secondBase + 1, 90));
        assertThat(reopened.logStartOffset()).isEqualTo(secondBase + 1);
        reopened.close();
        assertThat(Files.exists(env.dir)).isTrue();
    }
}
