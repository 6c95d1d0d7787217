package io.runnel.coordinator.group;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetStoreTest {
    private static final GroupConfig CONFIG = new GroupConfig(60_000, 1_000, 10, 10, 60_000, 0, 3);
    private final ShardHarness h = new ShardHarness(CONFIG);

    @Test
    void committedOffsetsAreFetchedWithEpochAndMetadataAndSurviveAReload() {
        assertThat(errors(h.write(s -> s.commitOffsets(commit("g", -1, "", 42, "meta"))))).containsOnly(Errors.NONE);
        h.reload();
        OffsetFetchResponseGroup fetched = h.shard.fetchOffsets(fetch("g", 0, 1), false);
        var partitions = fetched.topics().get(0).partitions();
        assertThat(partitions.get(0).committedOffset()).isEqualTo(42);
        assertThat(partitions.get(0).committedLeaderEpoch()).isEqualTo(3);
        assertThat(partitions.get(0).metadata()).isEqualTo("meta");
        assertThat(partitions.get(1).committedOffset()).isEqualTo(-1);
        // All offsets of the group when no topics are named.
        assertThat(h.shard.fetchOffsets(new OffsetFetchRequestGroup().setGroupId("g").setTopics(null), false)
                .topics().get(0).partitions()).hasSize(1);
    }

    @Test
    void badCommitsGetKafkasErrorsAndChangeNothing() {
        assertThat(errors(h.write(s -> s.commitOffsets(commit("g", -1, "", 1, "12345678901"))))).containsOnly(Errors.OFFSET_METADATA_TOO_LARGE);
        assertThat(errors(h.write(s -> s.commitOffsets(commit("", -1, "", 1, ""))))).containsOnly(Errors.INVALID_GROUP_ID);
        assertThat(errors(h.write(s -> s.commitOffsets(commit("g", 5, "m-1", 1, ""))))).containsOnly(Errors.ILLEGAL_GENERATION);
        assertThat(h.records()).isEmpty();
    }

    @Test
    void offsetsOfAGroupWithoutMembersExpireAfterRetentionAndTheGroupGoes() {
        h.write(s -> s.commitOffsets(commit("g", -1, "", 1, "")));
        h.advance(59_000);
        assertThat(h.shard.offsets().hasOffsets("g")).isTrue();
        h.advance(2_000);
        assertThat(h.shard.offsets().hasOffsets("g")).isFalse();
        assertThat(h.shard.registry().get("g")).isNull();
        assertThat(h.records().get(h.records().size() - 1).isTombstone()).isTrue();
    }

    @Test
    void deleteGroupsRemovesAnEmptyGroupWithItsOffsets() {
        h.write(s -> s.commitOffsets(commit("g", -1, "", 1, "")));
        List<DeletableGroupResult> results = h.write(s -> s.deleteGroups(List.of("g", "missing")));
        assertThat(results).extracting(DeletableGroupResult::errorCode)
                .containsExactly(Errors.NONE.code(), Errors.GROUP_ID_NOT_FOUND.code());
        h.reload();
        assertThat(h.shard.registry().get("g")).isNull();
        assertThat(h.shard.offsets().hasOffsets("g")).isFalse();
    }

    @Test
    void offsetsOfATopicALiveMemberConsumesCannotBeDeleted() {
        h.write(s -> s.commitOffsets(commit("g", -1, "", 1, "")));
        joinAndSync("g", "t");
        OffsetDeleteResponseData subscribed = h.write(s -> s.deleteOffsets(delete("g")));
        assertThat(subscribed.topics().find("t").partitions().find(0).errorCode())
                .isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
        assertThat(h.write(s -> s.deleteOffsets(delete("missing"))).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(h.write(s -> s.deleteGroups(List.of("g"))).get(0).errorCode()).isEqualTo(Errors.NON_EMPTY_GROUP.code());
    }

    @Test
    void anEmptyGroupWithoutOffsetsIsCleanedUp() {
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        h.writeAndComplete(s -> s.classic().join(joinRequest("lonely", "", "t"), (short) 9, "c", "h", response));
        assertThat(response.join().errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        h.advance(30_000); // the pending member never came back
        assertThat(h.shard.registry().get("lonely")).isNotNull();
        h.advance(1_000); // the next cleanup
        assertThat(h.shard.registry().get("lonely")).isNull();
    }

    private void joinAndSync(String group, String topic) {
        CompletableFuture<JoinGroupResponseData> first = new CompletableFuture<>();
        h.writeAndComplete(s -> s.classic().join(joinRequest(group, "", topic), (short) 9, "c", "h", first));
        CompletableFuture<JoinGroupResponseData> joined = new CompletableFuture<>();
        h.writeAndComplete(s -> s.classic().join(joinRequest(group, first.join().memberId(), topic), (short) 9, "c", "h", joined));
        CompletableFuture<SyncGroupResponseData> synced = new CompletableFuture<>();
        h.writeAndComplete(s -> s.classic().sync(new SyncGroupRequestData().setGroupId(group)
                .setMemberId(joined.join().memberId()).setGenerationId(joined.join().generationId()), (short) 5, synced));
        assertThat(synced.join().errorCode()).isZero();
    }

    private static JoinGroupRequestData joinRequest(String group, String memberId, String topic) {
        byte[] subscription = Utils.toArray(ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of(topic))));
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(subscription));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setProtocolType("consumer")
                .setSessionTimeoutMs(30_000).setRebalanceTimeoutMs(30_000).setProtocols(protocols);
    }

    private static OffsetDeleteRequestData delete(String group) {
        OffsetDeleteRequestData data = new OffsetDeleteRequestData().setGroupId(group);
        data.topics().add(new OffsetDeleteRequestTopic().setName("t").setPartitions(List.of(
                new OffsetDeleteRequestPartition().setPartitionIndex(0))));
        return data;
    }

    static OffsetCommitRequestData commit(String group, int generation, String member, long offset, String metadata) {
        return new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(generation).setMemberId(member)
                .setTopics(List.of(new OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(offset)
                                .setCommittedLeaderEpoch(3).setCommittedMetadata(metadata)))));
    }

    static OffsetFetchRequestGroup fetch(String group, int... partitions) {
        return new OffsetFetchRequestGroup().setGroupId(group).setTopics(List.of(
                new OffsetFetchRequestTopics().setName("t").setPartitionIndexes(java.util.Arrays.stream(partitions).boxed().toList())));
    }

    static List<Errors> errors(OffsetCommitResponseData response) {
        return response.topics().stream().flatMap(t -> t.partitions().stream())
                .map(p -> Errors.forCode(p.errorCode())).toList();
    }
}
