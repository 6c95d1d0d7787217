package io.runnel.storage.log;

import io.runnel.storage.AppendInfo;
import io.runnel.storage.Batches;
import io.runnel.storage.EpochEndOffset;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FollowerTest {
    @TempDir
    Path root;
    TestLog env;
    SegmentedLog leader;
    SegmentedLog follower;

    @BeforeEach
    void setUp() throws Exception {
        env = new TestLog(root);
        leader = env.create(TestLog.config(Map.of("internal.segment.bytes", "1024")));
        TestLog other = new TestLog(root.resolve("follower"));
        follower = LogLoader.create(TestLog.TP, leader.topicId(), other.dir, leader.config(), env.services());
    }

    @AfterEach
    void tearDown() throws Exception {
        leader.close();
        follower.close();
        env.close();
    }

    private MemoryRecords fetchFromLeader(long offset) {
        return Batches.bytesOf(leader.read(offset, 1 << 20, leader.logEndOffset(), true).records());
    }

    @Test
    void replicatedBatchesKeepTheLeadersOffsetsAndEpochs() {
        for (int i = 0; i < 10; i++) {
            leader.appendAsLeader(Batches.idempotent(env.time.milliseconds(), 2, 9L, (short) 0, i * 2), i < 5 ? 1 : 3);
        }
        leader.updateHighWatermark(leader.logEndOffset());
        AppendInfo info = follower.appendAsFollower(fetchFromLeader(0));
        assertThat(info.firstOffset()).isZero();
        while (follower.logEndOffset() < leader.logEndOffset()) {
            info = follower.appendAsFollower(fetchFromLeader(follower.logEndOffset()));
        }

        assertThat(info.lastOffset()).isEqualTo(19);
        assertThat(follower.logEndOffset()).isEqualTo(20);
        assertThat(follower.endOffsetForEpoch(1)).isEqualTo(new EpochEndOffset(1, 10));
        assertThat(follower.latestEpoch()).isEqualTo(3);
        assertThat(follower.activeProducers()).singleElement().satisfies(p -> assertThat(p.lastSequence()).isEqualTo(19));
        follower.updateHighWatermark(20);
        assertThat(Batches.bytesOf(follower.read(0, 1 << 20, 20, true).records())).isEqualTo(fetchFromLeader(0));
        assertThatThrownBy(() -> follower.appendAsFollower(fetchFromLeader(10)))
                .isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void truncationDropsTheDivergentTailAndEverythingDerivedFromIt() {
        for (int i = 0; i < 30; i++) {
            leader.appendAsLeader(Batches.idempotent(env.time.milliseconds(), 3, 4L, (short) 0, i * 3), i < 20 ? 2 : 5);
        }
        leader.updateHighWatermark(90);
        int segmentsBefore = leader.numberOfSegments();

        assertThat(leader.truncateTo(61)).isEqualTo(60);

        assertThat(leader.logEndOffset()).isEqualTo(60);
        assertThat(leader.highWatermark()).isEqualTo(60);
        assertThat(leader.numberOfSegments()).isLessThan(segmentsBefore);
        assertThat(leader.latestEpoch()).isEqualTo(2);
        assertThat(leader.appendAsLeader(Batches.idempotent(env.time.milliseconds(), 3, 4L, (short) 0, 60), 6)
                .firstOffset()).isEqualTo(60);
        assertThat(leader.endOffsetForEpoch(2)).isEqualTo(new EpochEndOffset(2, 60));
        leader.updateHighWatermark(63);
        assertThat(Batches.batchesOf(leader.read(55, 1 << 20, 63, false).records()))
                .extracting(MutableRecordBatch::baseOffset).containsExactly(54L, 57L, 60L);
    }

    @Test
    void truncateFullyRestartsTheLogAtTheGivenOffset() {
        for (int i = 0; i < 5; i++) {
            follower.appendAsFollower(leaderBatchAt(i * 2L));
        }
        follower.truncateFullyAndStartAt(500);
        assertThat(follower.logStartOffset()).isEqualTo(500);
        assertThat(follower.logEndOffset()).isEqualTo(500);
        assertThat(follower.latestEpoch()).isEqualTo(-1);
        assertThat(follower.appendAsFollower(leaderBatchAt(500)).firstOffset()).isEqualTo(500);
        assertThat(follower.logEndOffset()).isEqualTo(502);
    }

    private MemoryRecords leaderBatchAt(long offset) {
        MemoryRecords records = Batches.of(env.time.milliseconds(), 2);
        records.batches().forEach(b -> {
            b.setLastOffset(offset + 1);
            b.setPartitionLeaderEpoch(1);
        });
        return records;
    }
}
