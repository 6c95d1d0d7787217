package io.runnel.coordinator.group;

import io.runnel.coordinator.group.classic.ClassicGroup;
import io.runnel.coordinator.group.classic.ClassicGroupState;
import io.runnel.coordinator.group.consumer.ConsumerGroup;
import io.runnel.coordinator.group.consumer.ConsumerGroupSettings;
import io.runnel.coordinator.group.consumer.HeartbeatContext;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Online conversion of groups with members between the classic and the consumer protocol
 * (Kafka's KIP-848 upgrade and downgrade), driven through the shard as the runtime would.
 */
class OnlineMigrationTest {
    private static final HeartbeatContext CONTEXT = new HeartbeatContext((short) 1, "client", "/127.0.0.1");
    private static final int SESSION_MS = 10_000;
    private static final int PARTITIONS = 4;

    private final MetadataImage image = imageWithTopic("t", PARTITIONS);
    private ShardHarness h = harness("bidirectional");

    @Test
    void aConsumerProtocolJoinUpgradesAClassicGroupAndEveryPartitionEndsOwnedOnce() {
        String[] classic = stableClassicGroup();
        int generation = classicGroup().generationId();

        ConsumerGroupHeartbeatResponseData m = h.write(s -> s.consumer().heartbeat(consumerJoin("m"), CONTEXT));

        assertThat(m.errorCode()).isZero();
        ConsumerGroup group = consumerGroup();
        assertThat(group.stateName()).isNotEqualTo("Empty");
        assertThat(describe().members()).extracting(ConsumerGroupDescribeResponseData.Member::memberType)
                .containsExactlyInAnyOrder((byte) 0, (byte) 0, (byte) 1);
        // The classic members keep their partitions until they rejoin, so the new member waits.
        assertThat(assigned(m)).isEmpty();
        assertThat(heartbeat(classic[0], generation)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        // Eager classic clients revoke everything, then rejoin and sync.
        Set<TopicPartition> owned = new HashSet<>();
        for (String member : classic) {
            JoinGroupResponseData rejoined = joinClassic(member, List.of());
            assertThat(rejoined.errorCode()).isZero();
            assertThat(rejoined.generationId()).isGreaterThan(generation);
            assertThat(rejoined.leader()).isEmpty();
            SyncGroupResponseData synced = sync(member, rejoined.generationId(), Map.of());
            assertThat(synced.errorCode()).isZero();
            owned.addAll(partitions(synced));
        }
        ConsumerGroupHeartbeatResponseData next = h.write(s -> s.consumer().heartbeat(
                new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId("m")
                        .setMemberEpoch(m.memberEpoch()), CONTEXT));
        assertThat(next.errorCode()).isZero();
        Set<Integer> mine = assigned(next);
        assertThat(owned).extracting(TopicPartition::partition).doesNotContainAnyElementsOf(mine);
        assertThat(owned.size() + mine.size()).isEqualTo(PARTITIONS);

        h.reload();
        assertThat(consumerGroup().isSubscribedTo("t")).isTrue();
        assertThat(describe().members()).extracting(ConsumerGroupDescribeResponseData.Member::memberType)
                .containsExactlyInAnyOrder((byte) 0, (byte) 0, (byte) 1);
        assertThat(heartbeat(classic[0], consumerGroupEpochOf(classic[0]))).isEqualTo(Errors.NONE);
    }

    @Test
    void aStaticClassicMemberThatRestartsReplacesItsOldSelfInAConsumerGroup() {
        h.write(s -> s.consumer().heartbeat(consumerJoin("m"), CONTEXT));
        JoinGroupResponseData first = joinClassic("", "instance-1", List.of());
        assertThat(first.errorCode()).isZero();

        JoinGroupResponseData restarted = joinClassic("", "instance-1", List.of());

        assertThat(restarted.errorCode()).isZero();
        assertThat(restarted.memberId()).isNotEqualTo(first.memberId());
        assertThat(describe().members()).extracting(ConsumerGroupDescribeResponseData.Member::memberId)
                .containsExactlyInAnyOrder("m", restarted.memberId());
        HeartbeatResponseData fenced = h.write(s -> s.heartbeat(new HeartbeatRequestData().setGroupId("g")
                .setMemberId(first.memberId()).setGroupInstanceId("instance-1")
                .setGenerationId(first.generationId())));
        assertThat(fenced.errorCode()).isEqualTo(Errors.FENCED_INSTANCE_ID.code());
    }

    @Test
    void withUpgradeDisabledAClassicGroupWithMembersRefusesAConsumerProtocolJoin() {
        h = harness("downgrade");
        stableClassicGroup();
        int logged = h.records().size();

        ConsumerGroupHeartbeatResponseData refused = h.write(s -> s.consumer().heartbeat(consumerJoin("m"), CONTEXT));

        assertThat(refused.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(h.records()).hasSize(logged);
        assertThat(classicGroup().state()).isEqualTo(ClassicGroupState.STABLE);
    }

    @Test
    void aClassicJoinToAConsumerGroupJoinsAsAClassicMember() {
        ConsumerGroupHeartbeatResponseData m = h.write(s -> s.consumer().heartbeat(consumerJoin("m"), CONTEXT));
        assertThat(assigned(m)).hasSize(PARTITIONS);

        JoinGroupResponseData required = joinClassic("", List.of());
        assertThat(required.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        JoinGroupResponseData joined = joinClassic(required.memberId(), List.of());

        assertThat(joined.errorCode()).isZero();
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(consumerGroup().isEmpty()).isFalse();
        // "m" must revoke half first; until then the classic member gets nothing.
        assertThat(partitions(sync(joined.memberId(), joined.generationId(), Map.of()))).isEmpty();
        ConsumerGroupHeartbeatResponseData revoking = consumerHeartbeat("m", m.memberEpoch(), assigned(m));
        Set<Integer> kept = assigned(revoking);
        assertThat(kept).hasSize(PARTITIONS / 2);
        consumerHeartbeat("m", m.memberEpoch(), kept);
        assertThat(heartbeat(joined.memberId(), joined.generationId())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinGroupResponseData rejoined = joinClassic(joined.memberId(), List.of());
        Set<TopicPartition> classicOwned = partitions(sync(joined.memberId(), rejoined.generationId(), Map.of()));
        assertThat(classicOwned).extracting(TopicPartition::partition)
                .containsExactlyInAnyOrderElementsOf(complement(kept));
        assertThat(heartbeat(joined.memberId(), rejoined.generationId())).isEqualTo(Errors.NONE);
        assertThat(sync(joined.memberId(), rejoined.generationId() - 1, Map.of()).errorCode())
                .isEqualTo(Errors.ILLEGAL_GENERATION.code());
    }

    @Test
    void whenTheLastConsumerProtocolMemberLeavesTheGroupBecomesClassicAndRebalances() {
        String[] classic = stableClassicGroup();
        ConsumerGroupHeartbeatResponseData m = h.write(s -> s.consumer().heartbeat(consumerJoin("m"), CONTEXT));

        h.write(s -> s.consumer().heartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId("g")
                .setMemberId("m").setMemberEpoch(-1), CONTEXT));

        ClassicGroup group = classicGroup();
        assertThat(group.state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
        assertThat(group.migratingMembers()).hasSize(2);
        CompletableFuture<JoinGroupResponseData> first = joinClassicAsync(classic[0], List.of());
        JoinGroupResponseData second = joinClassic(classic[1], List.of());
        assertThat(second.errorCode()).isZero();
        assertThat(first.join().errorCode()).isZero();
        assertThat(classicGroup().state()).isEqualTo(ClassicGroupState.COMPLETING_REBALANCE);
        h.reload();
        assertThat(h.shard.registry().get("g")).isInstanceOf(ClassicGroup.class);
        assertThat(m.errorCode()).isZero();
    }

    @Test
    void theLastConsumerProtocolStaticMemberRestartingAsClassicDowngradesTheGroup() {
        String[] classic = stableClassicGroup();
        h.write(s -> s.consumer().heartbeat(consumerJoin("m").setInstanceId("instance-m"), CONTEXT));
        assertThat(consumerGroup()).isNotNull();

        CompletableFuture<JoinGroupResponseData> restarted = joinClassicAsync("", "instance-m", List.of());

        ClassicGroup group = classicGroup();
        assertThat(group.state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
        assertThat(group.migratingMembers()).extracting(MigratingMember::instanceId)
                .containsExactlyInAnyOrder(null, null, "instance-m");
        CompletableFuture<JoinGroupResponseData> first = joinClassicAsync(classic[0], List.of());
        JoinGroupResponseData second = joinClassic(classic[1], List.of());
        assertThat(second.errorCode()).isZero();
        assertThat(first.join().errorCode()).isZero();
        assertThat(restarted.join().errorCode()).isZero();
        assertThat(restarted.join().generationId()).isEqualTo(second.generationId());
    }

    @Test
    void aClassicMemberThatStopsHeartbeatingIsFencedAndALeaveRemovesAnother() {
        String[] classic = stableClassicGroup();
        ConsumerGroupHeartbeatResponseData m = h.write(s -> s.consumer().heartbeat(consumerJoin("m"), CONTEXT));
        int generation = consumerGroupEpochOf(classic[1]);
        h.advance(SESSION_MS / 2);
        assertThat(heartbeat(classic[1], generation)).isIn(Errors.NONE, Errors.REBALANCE_IN_PROGRESS);
        assertThat(consumerHeartbeat("m", m.memberEpoch(), assigned(m)).errorCode()).isZero();
        h.advance(SESSION_MS / 2 + 1);

        assertThat(describe().members()).extracting(ConsumerGroupDescribeResponseData.Member::memberId)
                .doesNotContain(classic[0]).contains(classic[1]);
        LeaveGroupResponseData left = h.write(s -> s.leaveGroup(new LeaveGroupRequestData().setGroupId("g")
                .setMembers(List.of(new MemberIdentity().setMemberId(classic[1]))), (short) 3));
        assertThat(left.members().get(0).errorCode()).isZero();
        assertThat(describe().members()).extracting(ConsumerGroupDescribeResponseData.Member::memberId)
                .containsExactly("m");
    }

    // ---- helpers ----

    private ShardHarness harness(String policy) {
        ConsumerGroupSettings settings = ConsumerGroupSettings.fromConfig(Map.of(
                ConsumerGroupSettings.MIGRATION_POLICY, policy,
                ConsumerGroupSettings.SESSION_TIMEOUT_MS, String.valueOf(SESSION_MS),
                ConsumerGroupSettings.MIN_SESSION_TIMEOUT_MS, "1000",
                ConsumerGroupSettings.HEARTBEAT_INTERVAL_MS, "1000"));
        return new ShardHarness(new GroupConfig(60_000, 600_000, 4096, 1000, 60_000, 0, 10), settings, () -> image);
    }

    /** Two classic members, stable in generation 1, the leader gave each half of "t". */
    private String[] stableClassicGroup() {
        String a = joinClassic("", List.of()).memberId();
        String b = joinClassic("", List.of()).memberId();
        CompletableFuture<JoinGroupResponseData> aJoin = joinClassicAsync(a, List.of());
        JoinGroupResponseData bJoin = joinClassic(b, List.of());
        String leader = bJoin.leader();
        String follower = leader.equals(a) ? b : a;
        int generation = bJoin.generationId();
        assertThat(aJoin.join().generationId()).isEqualTo(generation);
        CompletableFuture<SyncGroupResponseData> followerSync = syncAsync(follower, generation, Map.of());
        sync(leader, generation, Map.of(a, assignment(0, 1), b, assignment(2, 3)));
        assertThat(followerSync.join().errorCode()).isZero();
        assertThat(classicGroup().state()).isEqualTo(ClassicGroupState.STABLE);
        return new String[]{a, b};
    }

    private ClassicGroup classicGroup() {
        return h.shard.registry().get("g", ClassicGroup.class);
    }

    private ConsumerGroup consumerGroup() {
        return h.shard.registry().get("g", ConsumerGroup.class);
    }

    private ConsumerGroupDescribeResponseData.DescribedGroup describe() {
        return h.shard.consumer().describe(List.of("g")).get(0);
    }

    private int consumerGroupEpochOf(String memberId) {
        return describe().members().stream().filter(m -> m.memberId().equals(memberId)).findFirst().orElseThrow()
                .memberEpoch();
    }

    private static ConsumerGroupHeartbeatRequestData consumerJoin(String memberId) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId(memberId).setMemberEpoch(0)
                .setRebalanceTimeoutMs(10_000).setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of());
    }

    private ConsumerGroupHeartbeatResponseData consumerHeartbeat(String memberId, int epoch, Set<Integer> owned) {
        Uuid topicId = image.topicsByName().get("t").id();
        return h.write(s -> s.consumer().heartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId("g")
                .setMemberId(memberId).setMemberEpoch(epoch).setTopicPartitions(List.of(
                        new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(topicId)
                                .setPartitions(new ArrayList<>(owned)))), CONTEXT));
    }

    private JoinGroupResponseData joinClassic(String memberId, List<TopicPartition> owned) {
        return joinClassicAsync(memberId, null, owned).join();
    }

    private JoinGroupResponseData joinClassic(String memberId, String instanceId, List<TopicPartition> owned) {
        return joinClassicAsync(memberId, instanceId, owned).join();
    }

    private CompletableFuture<JoinGroupResponseData> joinClassicAsync(String memberId, List<TopicPartition> owned) {
        return joinClassicAsync(memberId, null, owned);
    }

    private CompletableFuture<JoinGroupResponseData> joinClassicAsync(String memberId, String instanceId,
                                                                      List<TopicPartition> owned) {
        ByteBuffer subscription = ConsumerProtocol.serializeSubscription(new Subscription(List.of("t"), null, owned));
        byte[] metadata = new byte[subscription.remaining()];
        subscription.get(metadata);
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
        JoinGroupRequestData request = new JoinGroupRequestData().setGroupId("g").setMemberId(memberId)
                .setGroupInstanceId(instanceId).setProtocolType("consumer").setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(10_000)
                .setProtocols(protocols);
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        h.writeAndComplete(s -> s.joinGroup(request, (short) 9, "client", "/127.0.0.1", response));
        return response;
    }

    private SyncGroupResponseData sync(String memberId, int generation, Map<String, byte[]> assignments) {
        return syncAsync(memberId, generation, assignments).join();
    }

    private CompletableFuture<SyncGroupResponseData> syncAsync(String memberId, int generation,
                                                               Map<String, byte[]> assignments) {
        List<SyncGroupRequestAssignment> list = new ArrayList<>();
        assignments.forEach((id, bytes) -> list.add(new SyncGroupRequestAssignment().setMemberId(id)
                .setAssignment(bytes)));
        SyncGroupRequestData request = new SyncGroupRequestData().setGroupId("g").setMemberId(memberId)
                .setGenerationId(generation).setProtocolType("consumer").setProtocolName("range")
                .setAssignments(list);
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        h.writeAndComplete(s -> s.syncGroup(request, (short) 5, response));
        return response;
    }

    private Errors heartbeat(String memberId, int generation) {
        HeartbeatResponseData response = h.write(s -> s.heartbeat(new HeartbeatRequestData().setGroupId("g")
                .setMemberId(memberId).setGenerationId(generation)));
        return Errors.forCode(response.errorCode());
    }

    private static byte[] assignment(int... partitions) {
        List<TopicPartition> list = new ArrayList<>();
        for (int p : partitions) {
            list.add(new TopicPartition("t", p));
        }
        ByteBuffer buffer = ConsumerProtocol.serializeAssignment(new Assignment(list));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static Set<TopicPartition> partitions(SyncGroupResponseData synced) {
        if (synced.assignment().length == 0) {
            return Set.of();
        }
        return new HashSet<>(ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(synced.assignment())).partitions());
    }

    private static Set<Integer> assigned(ConsumerGroupHeartbeatResponseData response) {
        Set<Integer> partitions = new HashSet<>();
        if (response.assignment() != null) {
            response.assignment().topicPartitions().forEach(tp -> partitions.addAll(tp.partitions()));
        }
        return partitions;
    }

    private static Set<Integer> complement(Set<Integer> partitions) {
        Set<Integer> rest = new HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            if (!partitions.contains(p)) {
                rest.add(p);
            }
        }
        return rest;
    }

    private static MetadataImage imageWithTopic(String name, int partitions) {
        Uuid id = Uuid.randomUuid();
        Map<Integer, PartitionRegistration> registrations = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            registrations.put(p, new PartitionRegistration(List.of(0), List.of(0), 0, 0, 0));
        }
        TopicImage topic = new TopicImage(name, id, registrations);
        MetadataImage empty = MetadataImage.empty("test");
        return new MetadataImage(empty.clusterId(), 1, empty.brokers(), Map.of(name, topic), Map.of(id, topic),
                empty.configs(), empty.nextProducerId());
    }
}
