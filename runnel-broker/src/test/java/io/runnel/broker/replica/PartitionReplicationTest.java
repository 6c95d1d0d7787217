package io.runnel.broker.replica;

import io.runnel.metadata.PartitionRegistration;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.runnel.broker.replica.PartitionFixture.Sent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The leader's high watermark and ISR rules, on a manual clock. */
class PartitionReplicationTest {
    @TempDir
    Path dir;
    private PartitionFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private PartitionFixture leader(List<Integer> isr, int minIsr) {
        fixture = new PartitionFixture(dir, List.of(1, 2, 3), isr, minIsr);
        return fixture;
    }

    @Test
    void highWatermarkIsTheMinimumLogEndOffsetOverTheIsr() {
        PartitionFixture f = leader(List.of(1, 2, 3), 1);
        f.append(5);
        assertThat(f.highWatermark()).isZero();

        f.partition.updateFollowerFetchState(2, 5);
        assertThat(f.highWatermark()).as("follower 3 has not fetched yet").isZero();

        f.partition.updateFollowerFetchState(3, 2);
        assertThat(f.highWatermark()).isEqualTo(2);
        assertThat(f.changes.get()).as("parked requests told").isEqualTo(1);

        f.partition.updateFollowerFetchState(3, 5);
        assertThat(f.highWatermark()).isEqualTo(5);
    }

    @Test
    void highWatermarkNeverMovesBackwardNorPassesTheLeader() {
        PartitionFixture f = leader(List.of(1, 2, 3), 1);
        f.append(4);
        f.partition.updateFollowerFetchState(2, 4);
        f.partition.updateFollowerFetchState(3, 4);
        assertThat(f.highWatermark()).isEqualTo(4);

        f.partition.updateFollowerFetchState(3, 1); // e.g. a follower that truncated
        assertThat(f.highWatermark()).isEqualTo(4);

        f.partition.updateFollowerFetchState(2, 9); // beyond the leader's log end: not recorded
        f.partition.updateFollowerFetchState(3, 9);
        assertThat(f.highWatermark()).isEqualTo(4);
    }

    @Test
    void aLeaderAloneInItsIsrCommitsOnAppend() {
        PartitionFixture f = leader(List.of(1), 1);
        f.append(3);
        assertThat(f.highWatermark()).isEqualTo(3);
    }

    @Test
    void followerOfAnotherPartitionOrNonReplicaIsRefused() {
        PartitionFixture f = leader(List.of(1, 2, 3), 1);
        assertThatThrownBy(() -> f.partition.updateFollowerFetchState(7, 0))
                .isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void shrinksTheIsrAfterTheLagTimeAndKeepsTheMaximalIsrWhilePending() {
        PartitionFixture f = leader(List.of(1, 2, 3), 1);
        f.append(2);
        f.partition.updateFollowerFetchState(2, 2);
        f.partition.updateFollowerFetchState(3, 2);
        f.append(3); // log end 5; follower 3 stops fetching

        f.time.advance(29_000);
        f.partition.updateFollowerFetchState(2, 5);
        f.partition.maybeShrinkIsr();
        assertThat(f.sent).as("3 lags less than replica.lag.time.max.ms").isEmpty();

        f.time.advance(2_000);
        f.partition.maybeShrinkIsr();
        assertThat(f.sent).hasSize(1);
        Sent shrink = f.sent.peek();
        assertThat(shrink.newIsr()).containsExactly(1, 2);
        assertThat(shrink.request().topics().get(0).partitions().get(0).partitionEpoch()).isZero();

        f.partition.maybeShrinkIsr();
        assertThat(f.sent).as("one change in flight per partition").hasSize(1);
        assertThat(f.highWatermark()).as("the removed replica still counts while pending").isEqualTo(2);

        shrink.accept();
        assertThat(f.partition.isr()).containsExactly(1, 2);
        assertThat(f.highWatermark()).isEqualTo(5);
    }

    @Test
    void aFollowerAtTheLeadersLogEndIsNeverOutOfSync() {
        PartitionFixture f = leader(List.of(1, 2, 3), 1);
        f.append(2);
        f.partition.updateFollowerFetchState(2, 2);
        f.partition.updateFollowerFetchState(3, 2);
        f.time.advance(60_000);
        f.partition.maybeShrinkIsr();
        assertThat(f.sent).isEmpty();
    }

    @Test
    void expandsTheIsrWhenAFollowerCatchesUpAndCountsItWhilePending() {
        PartitionFixture f = leader(List.of(1, 2), 1);
        f.append(4);
        f.partition.updateFollowerFetchState(2, 4);
        assertThat(f.highWatermark()).isEqualTo(4);

        f.partition.updateFollowerFetchState(3, 3);
        assertThat(f.sent).as("3 is below the high watermark").isEmpty();

        f.partition.updateFollowerFetchState(3, 4);
        assertThat(f.sent).hasSize(1);
        Sent expand = f.sent.peek();
        assertThat(expand.newIsr()).containsExactly(1, 2, 3);

        f.append(2);
        f.partition.updateFollowerFetchState(2, 6);
        assertThat(f.highWatermark()).as("the joining replica counts at once").isEqualTo(4);
        f.partition.updateFollowerFetchState(3, 6);
        assertThat(f.highWatermark()).isEqualTo(6);

        expand.accept();
        assertThat(f.partition.isr()).containsExactly(1, 2, 3);
    }

    @Test
    void aRefusedChangeRevertsOrWaitsForMetadata() {
        PartitionFixture f = leader(List.of(1, 2), 1);
        f.partition.updateFollowerFetchState(3, 0);
        Sent first = f.sent.poll();
        first.answer().complete(new AlterPartitionResponseData().setErrorCode(Errors.INELIGIBLE_REPLICA.code()));
        assertThat(f.partition.isr()).containsExactly(1, 2);

        f.partition.updateFollowerFetchState(3, 0);
        assertThat(f.sent).as("backing off after a failure").isEmpty();
        f.time.advance(Partition.ALTER_PARTITION_RETRY_BACKOFF_MS);
        f.partition.updateFollowerFetchState(3, 0);
        Sent second = f.sent.poll();
        assertThat(second).as("retried after a revert").isNotNull();
        second.answer().complete(new AlterPartitionResponseData().setErrorCode(Errors.NONE.code())
                .setTopics(List.of(new AlterPartitionResponseData.TopicData().setTopicId(PartitionFixture.TOPIC_ID)
                        .setPartitions(List.of(new AlterPartitionResponseData.PartitionData().setPartitionIndex(0)
                                .setErrorCode(Errors.INVALID_UPDATE_VERSION.code()))))));
        f.partition.updateFollowerFetchState(3, 0);
        assertThat(f.sent).as("a stale epoch waits for the next registration").isEmpty();

        f.partition.updateRegistration(new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2),
                1, 0, 3));
        f.partition.updateFollowerFetchState(3, 0);
        assertThat(f.sent).hasSize(1);
        assertThat(f.sent.peek().request().topics().get(0).partitions().get(0).partitionEpoch()).isEqualTo(3);
    }

    @Test
    void acksAllWaitsForTheHighWatermarkAndChecksTheIsrAfterAppend() {
        PartitionFixture f = leader(List.of(1, 2, 3), 2);
        f.append(3);
        assertThat(f.partition.acksAllResult(3, 0)).isNull();
        f.partition.updateFollowerFetchState(2, 3);
        assertThat(f.partition.acksAllResult(3, 0)).isNull();
        f.partition.updateFollowerFetchState(3, 2);
        assertThat(f.partition.acksAllResult(3, 0)).isNull();
        f.partition.updateFollowerFetchState(3, 3);
        assertThat(f.partition.acksAllResult(3, 0)).isEqualTo(Errors.NONE);
        assertThat(f.partition.acksAllResult(3, 1)).as("appended in another epoch").isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void acksAllIsRefusedWhileAShrinkBelowMinIsrIsPending() {
        PartitionFixture f = leader(List.of(1, 2, 3), 2);
        f.append(1);
        f.time.advance(31_000);
        f.partition.maybeShrinkIsr();
        assertThat(f.sent.peek().newIsr()).containsExactly(1);
        assertThat(f.partition.isr()).as("not committed: the controller has not answered").containsExactly(1, 2, 3);

        assertThatThrownBy(() -> f.partition.appendAsLeader(
                MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("x".getBytes())), (short) -1))
                .isInstanceOf(NotEnoughReplicasException.class);
        f.partition.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("y".getBytes())), (short) 1);
    }

    @Test
    void theHighWatermarkWaitsWhileTheIsrIsBelowMinIsr() {
        PartitionFixture f = leader(List.of(1, 2), 2);
        f.append(1);
        f.partition.updateFollowerFetchState(2, 0);
        f.time.advance(31_000);
        f.partition.maybeShrinkIsr();
        f.sent.poll().accept();
        assertThat(f.partition.isr()).containsExactly(1);
        assertThat(f.partition.log().highWatermark()).as("KIP-966: 2 may be elected from the ELR").isZero();
        assertThat(f.partition.acksAllResult(1, 0)).as("still waiting").isNull();
        assertThatThrownBy(() -> f.partition.appendAsLeader(
                MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("x".getBytes())), (short) -1))
                .isInstanceOf(NotEnoughReplicasException.class);

        f.partition.updateFollowerFetchState(2, 1);
        f.sent.poll().accept();
        assertThat(f.partition.isr()).containsExactly(1, 2);
        assertThat(f.partition.log().highWatermark()).isEqualTo(1);
        assertThat(f.partition.acksAllResult(1, 0)).isEqualTo(Errors.NONE);
    }

    @Test
    void acksAllAnswersNotLeaderOnceLeadershipMoves() {
        PartitionFixture f = leader(List.of(1, 2), 1);
        f.append(1);
        int before = f.changes.get();
        f.partition.updateRegistration(new PartitionRegistration(List.of(1, 2), List.of(1, 2), 2, 1, 1));
        assertThat(f.changes.get()).as("parked produces re-checked").isGreaterThan(before);
        assertThat(f.partition.acksAllResult(1, 0)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void becomingLeaderAgainResetsFollowers() {
        PartitionFixture f = leader(List.of(1, 2, 3), 1);
        f.append(2);
        f.partition.updateFollowerFetchState(2, 2);
        f.partition.updateFollowerFetchState(3, 2);
        assertThat(f.partition.updateRegistration(new PartitionRegistration(List.of(1, 2, 3),
                List.of(1, 2, 3), 2, 1, 1))).isEqualTo(Partition.Transition.BECAME_FOLLOWER);
        assertThat(f.partition.updateRegistration(new PartitionRegistration(List.of(1, 2, 3),
                List.of(1, 2, 3), 1, 2, 2))).isEqualTo(Partition.Transition.BECAME_LEADER);
        f.append(1);
        f.partition.updateFollowerFetchState(2, 3);
        assertThat(f.highWatermark()).as("3's log end is unknown to the new leader").isEqualTo(2);
    }
}
