package io.runnel.coordinator.group;

import io.runnel.coordinator.group.consumer.HeartbeatContext;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** TxnOffsetCommit on one shard: pending offsets, markers, require_stable, reload, validation, deletion, expiry. */
class TxnOffsetCommitTest {
    private static final GroupConfig CONFIG = new GroupConfig(60_000, 1_000, 10, 10, 60_000, 0, 3);
    private static final long P1 = 1000;
    private static final long P2 = 2000;

    private final ShardHarness h = new ShardHarness(CONFIG);

    @Test
    void pendingOffsetsAreUnstableUntilTheCommitMarkerMakesThemVisible() {
        h.write(s -> s.commitOffsets(OffsetStoreTest.commit("g", -1, "", 5, "")));
        assertThat(errors(h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", -1, "", 7))))).containsOnly(Errors.NONE);

        assertThat(fetch(false).committedOffset()).isEqualTo(5);
        assertThat(fetch(true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        assertThat(fetch(true).committedOffset()).isEqualTo(-1);

        h.endTransaction(P1, true);
        assertThat(fetch(false).committedOffset()).isEqualTo(7);
        assertThat(fetch(true).errorCode()).isZero();
        assertThat(fetch(true).committedOffset()).isEqualTo(7);
    }

    @Test
    void abortedOffsetsAreNeverVisibleNotEvenAfterAReload() {
        h.write(s -> s.commitOffsets(OffsetStoreTest.commit("g", -1, "", 5, "")));
        h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", -1, "", 7)));
        h.endTransaction(P1, false);

        assertThat(fetch(true).errorCode()).isZero();
        assertThat(fetch(true).committedOffset()).isEqualTo(5);
        h.reload();
        assertThat(fetch(true).committedOffset()).isEqualTo(5);
        // A later COMMIT of the same producer id (a new transaction with nothing pending here) changes nothing.
        h.endTransaction(P1, true);
        assertThat(fetch(false).committedOffset()).isEqualTo(5);
    }

    @Test
    void anOffsetCommittedOutsideTheTransactionAfterItsOffsetWinsOverTheCommit() {
        h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", -1, "", 7)));
        h.write(s -> s.commitOffsets(OffsetStoreTest.commit("g", -1, "", 9, "")));
        assertThat(fetch(false).committedOffset()).isEqualTo(9);
        assertThat(fetch(true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());

        h.endTransaction(P1, true);
        assertThat(fetch(true).committedOffset()).isEqualTo(9);
        h.reload();
        assertThat(fetch(true).committedOffset()).isEqualTo(9);
    }

    @Test
    void theMostRecentlyWrittenOffsetWinsBetweenTwoTransactions() {
        h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", -1, "", 7)));
        h.txnWrite(P2, s -> s.txnOffsetCommit(txnCommit("g", -1, "", 8)));
        h.endTransaction(P2, true);
        assertThat(fetch(true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code()); // P1 still open
        h.endTransaction(P1, true);
        assertThat(fetch(true).committedOffset()).isEqualTo(8);
        h.reload();
        assertThat(fetch(true).committedOffset()).isEqualTo(8);
    }

    @Test
    void aTransactionStillOpenAtReloadStaysPendingAndItsMarkerStillDecidesIt() {
        h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", -1, "", 7)));
        h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", -1, "", 8)));
        h.reload();
        assertThat(fetch(true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        assertThat(fetch(false).committedOffset()).isEqualTo(-1);
        assertThat(h.shard.registry().get("g")).isNotNull(); // created by the replay, like a plain commit

        h.endTransaction(P1, true);
        assertThat(fetch(true).committedOffset()).isEqualTo(8); // the transaction's last offset
    }

    @Test
    void anUnknownGroupTakesCommitsFromOutsideAGroupOnly() {
        assertThat(errors(h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", 3, "m", 7)))))
                .containsOnly(Errors.ILLEGAL_GENERATION);
        assertThat(errors(h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("", -1, "", 7)))))
                .containsOnly(Errors.INVALID_GROUP_ID);
        TxnOffsetCommitRequestData tooLarge = txnCommit("g", -1, "", 7);
        tooLarge.topics().get(0).partitions().get(0).setCommittedMetadata("12345678901");
        assertThat(errors(h.txnWrite(P1, s -> s.txnOffsetCommit(tooLarge)))).containsOnly(Errors.OFFSET_METADATA_TOO_LARGE);
        assertThat(h.records()).isEmpty();
    }

    @Test
    void aClassicGroupChecksTheMemberAndGenerationButNotTheRebalanceState() {
        JoinGroupResponseData joined = joinClassic();
        // The member joined but has not synced: an OffsetCommit would be REBALANCE_IN_PROGRESS.
        assertThat(h.shard.classicGroup("g").stateName()).isEqualTo("CompletingRebalance");
        assertThat(errors(h.txnWrite(P1, s -> s.txnOffsetCommit(
                txnCommit("g", joined.generationId(), joined.memberId(), 7))))).containsOnly(Errors.NONE);
        assertThat(errors(h.txnWrite(P1, s -> s.txnOffsetCommit(
                txnCommit("g", joined.generationId() + 1, joined.memberId(), 7))))).containsOnly(Errors.ILLEGAL_GENERATION);
        assertThat(errors(h.txnWrite(P1, s -> s.txnOffsetCommit(
                txnCommit("g", joined.generationId(), "stranger", 7))))).containsOnly(Errors.UNKNOWN_MEMBER_ID);
        // Old TxnOffsetCommit versions carry no member: accepted while the group has members.
        assertThat(errors(h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", -1, "", 7))))).containsOnly(Errors.NONE);
    }

    @Test
    void aConsumerGroupMemberWithAStaleEpochGetsIllegalGeneration() {
        ConsumerGroupHeartbeatResponseData joined = h.write(s -> s.consumer().heartbeat(
                new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("m").setMemberEpoch(0)
                        .setRebalanceTimeoutMs(10_000).setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of()),
                new HeartbeatContext((short) 1, "client", "/127.0.0.1")));
        int epoch = joined.memberEpoch();

        assertThat(errors(h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", epoch, "m", 7))))).containsOnly(Errors.NONE);
        assertThat(errors(h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", epoch - 1, "m", 7)))))
                .containsOnly(Errors.ILLEGAL_GENERATION);
        assertThat(errors(h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", epoch, "other", 7)))))
                .containsOnly(Errors.UNKNOWN_MEMBER_ID);
        h.endTransaction(P1, true);
        assertThat(fetch(true).committedOffset()).isEqualTo(7);
    }

    @Test
    void deletingTheGroupDropsPendingOffsetsSoALaterCommitBringsNoneBack() {
        h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", -1, "", 7)));
        List<DeletableGroupResult> deleted = h.write(s -> s.deleteGroups(List.of("g")));
        assertThat(deleted.get(0).errorCode()).isZero();
        assertThat(fetch(true).errorCode()).isZero();

        h.endTransaction(P1, true);
        assertThat(fetch(true).committedOffset()).isEqualTo(-1);
        h.reload();
        assertThat(fetch(true).committedOffset()).isEqualTo(-1);
        assertThat(h.shard.offsets().hasOffsets("g")).isFalse();
    }

    @Test
    void offsetsAndGroupsWithAnOpenTransactionDoNotExpire() {
        h.write(s -> s.commitOffsets(OffsetStoreTest.commit("g", -1, "", 5, "")));
        h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", -1, "", 7)));
        h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("pending-only", -1, "", 3)));

        h.advance(CONFIG.offsetsRetentionMs() + 5_000);
        assertThat(fetch(false).committedOffset()).isEqualTo(5);
        assertThat(h.shard.registry().get("g")).isNotNull();
        assertThat(h.shard.registry().get("pending-only")).isNotNull();

        h.endTransaction(P1, true);
        assertThat(fetch(true).committedOffset()).isEqualTo(7);
        assertThat(fetch("pending-only", true).committedOffset()).isEqualTo(3);
    }

    @Test
    void fetchingAllOffsetsOfAGroupMarksThePendingOnesUnstable() {
        h.write(s -> s.commitOffsets(OffsetStoreTest.commit("g", -1, "", 5, "")));
        h.txnWrite(P1, s -> s.txnOffsetCommit(txnCommit("g", -1, "", 7)));
        OffsetFetchRequestGroup all = new OffsetFetchRequestGroup().setGroupId("g").setTopics(null);

        assertThat(h.shard.fetchOffsets(all, true).topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        assertThat(h.shard.fetchOffsets(all, false).topics().get(0).partitions().get(0).committedOffset())
                .isEqualTo(5);
    }

    private OffsetFetchResponsePartitions fetch(boolean requireStable) {
        return fetch("g", requireStable);
    }

    private OffsetFetchResponsePartitions fetch(String group, boolean requireStable) {
        return h.shard.fetchOffsets(OffsetStoreTest.fetch(group, 0), requireStable).topics().get(0).partitions().get(0);
    }

    private JoinGroupResponseData joinClassic() {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[]{1}));
        JoinGroupRequestData request = new JoinGroupRequestData().setGroupId("g").setProtocolType("consumer")
                .setSessionTimeoutMs(30_000).setRebalanceTimeoutMs(30_000).setProtocols(protocols);
        CompletableFuture<JoinGroupResponseData> first = new CompletableFuture<>();
        h.writeAndComplete(s -> s.joinGroup(request, (short) 9, "c", "h", first));
        CompletableFuture<JoinGroupResponseData> joined = new CompletableFuture<>();
        h.writeAndComplete(s -> s.joinGroup(request.duplicate().setMemberId(first.join().memberId()), (short) 9, "c",
                "h", joined));
        assertThat(joined.join().errorCode()).isZero();
        return joined.join();
    }

    static TxnOffsetCommitRequestData txnCommit(String group, int generation, String member, long offset) {
        return new TxnOffsetCommitRequestData().setTransactionalId("tx").setGroupId(group).setProducerId(P1)
                .setProducerEpoch((short) 0).setGenerationIdOrMemberEpoch(generation).setMemberId(member)
                .setTopics(List.of(new TxnOffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                        new TxnOffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(offset)
                                .setCommittedLeaderEpoch(3).setCommittedMetadata("")))));
    }

    static List<Errors> errors(TxnOffsetCommitResponseData response) {
        return response.topics().stream().flatMap(t -> t.partitions().stream())
                .map(p -> Errors.forCode(p.errorCode())).toList();
    }
}
