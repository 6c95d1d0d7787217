package io.runnel.coordinator.group.consumer;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A consumer as the KIP-848 client behaves: it joins with epoch 0, takes each assignment it gets
 * at once (revoking what is no longer in it) and reports what it owns in its next heartbeat.
 */
final class TestMember {

    private final TestShard shard;
    private final String groupId;
    final String memberId;
    private final String instanceId;
    int epoch;
    Map<Uuid, Set<Integer>> owned = Map.of();
    ConsumerGroupHeartbeatResponseData lastResponse;

    TestMember(TestShard shard, String groupId, String memberId, String instanceId) {
        this.shard = shard;
        this.groupId = groupId;
        this.memberId = memberId;
        this.instanceId = instanceId;
    }

    TestMember(TestShard shard, String groupId, String memberId) {
        this(shard, groupId, memberId, null);
    }

    Errors join(List<String> topics) {
        return send(base().setMemberEpoch(0).setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(topics)
                .setTopicPartitions(List.of()));
    }

    Errors joinWithRegex(String regex) {
        return send(base().setMemberEpoch(0).setRebalanceTimeoutMs(30_000).setSubscribedTopicRegex(regex)
                .setTopicPartitions(List.of()));
    }

    /** A regular heartbeat reporting what the member owns. */
    Errors heartbeat() {
        return send(base().setMemberEpoch(epoch).setTopicPartitions(ownedAsRequest()));
    }

    /** A heartbeat of a member slow to revoke: it reports, and keeps, {@code stillOwned}. */
    Errors heartbeatOwning(Map<Uuid, Set<Integer>> stillOwned) {
        owned = stillOwned;
        Errors error = send(base().setMemberEpoch(epoch).setTopicPartitions(ownedAsRequest()));
        owned = stillOwned;
        return error;
    }

    Errors leave() {
        return send(base().setMemberEpoch(instanceId == null ? -1 : -2));
    }

    Errors send(ConsumerGroupHeartbeatRequestData request) {
        lastResponse = shard.heartbeat(request);
        Errors error = Errors.forCode(lastResponse.errorCode());
        if (error == Errors.NONE) {
            epoch = lastResponse.memberEpoch();
            if (lastResponse.assignment() != null) {
                Map<Uuid, Set<Integer>> assigned = new HashMap<>();
                lastResponse.assignment().topicPartitions().forEach(tp ->
                        assigned.put(tp.topicId(), new TreeSet<>(tp.partitions())));
                owned = assigned;
            }
        }
        return error;
    }

    int ownedCount() {
        return owned.values().stream().mapToInt(Set::size).sum();
    }

    Set<Integer> ownedOf(Uuid topicId) {
        return new TreeSet<>(owned.getOrDefault(topicId, Set.of()));
    }

    ConsumerGroupHeartbeatRequestData base() {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(groupId).setMemberId(memberId)
                .setInstanceId(instanceId);
    }

    private List<ConsumerGroupHeartbeatRequestData.TopicPartitions> ownedAsRequest() {
        List<ConsumerGroupHeartbeatRequestData.TopicPartitions> partitions = new ArrayList<>();
        new TreeMap<>(owned).forEach((topicId, ps) -> partitions.add(
                new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(topicId)
                        .setPartitions(new ArrayList<>(new TreeSet<>(ps)))));
        return partitions;
    }
}
