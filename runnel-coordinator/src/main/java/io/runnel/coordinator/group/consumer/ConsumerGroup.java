package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.ClassicProtocol;
import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.assignor.Assignments;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of one consumer group, as rebuilt by replaying its records. Only the replay methods
 * (package-private, called by {@link ConsumerGroups#replay}) change it; everything else reads.
 *
 * <p>Besides members and target assignment it keeps, per partition, the epoch of the member that
 * currently owns it (assigned or pending revocation): a partition whose previous owner has not
 * acknowledged revoking it is not given to its new owner ({@link #currentPartitionEpoch}).
 *
 * <p>As a {@link Group} it answers the offset and admin APIs: commits need the member's current
 * epoch; offsets of topics no member subscribes to age from their commit; only an empty group can
 * be deleted.
 *
 * <p>Thread-safety: none; owned by the shard thread.
 */
public final class ConsumerGroup implements Group {

    private final String groupId;
    private int groupEpoch;
    private long metadataHash;
    private int assignmentEpoch;
    private final Map<String, ConsumerGroupMember> members = new TreeMap<>();
    private final Map<String, Map<Uuid, Set<Integer>>> targets = new HashMap<>();
    private final Map<String, String> memberIdsByInstanceId = new HashMap<>();
    private final Map<Uuid, Map<Integer, Integer>> partitionEpochs = new HashMap<>();

    ConsumerGroup(String groupId) {
        this.groupId = groupId;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public GroupType type() {
        return GroupType.CONSUMER;
    }

    @Override
    public String stateName() {
        return state().toString();
    }

    @Override
    public String protocolType() {
        return "consumer";
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    /**
     * A negative epoch commits only to an empty group (assign() or admin); otherwise the member
     * must exist (UNKNOWN_MEMBER_ID) and give its current epoch (STALE_MEMBER_EPOCH).
     */
    @Override
    public Errors validateOffsetCommit(String memberId, String groupInstanceId, int memberEpoch) {
        if (memberEpoch < 0 && members.isEmpty()) {
            return Errors.NONE;
        }
        return validateMember(memberId, memberEpoch);
    }

    /** A fetch that names no member (or an empty one with a negative epoch) is from outside the group. */
    @Override
    public Errors validateOffsetFetch(String memberId, int memberEpoch) {
        if (memberId == null || memberId.isEmpty() && memberEpoch < 0) {
            return Errors.NONE;
        }
        return validateMember(memberId, memberEpoch);
    }

    /** A classic member's commit names its generation, which is its epoch: ILLEGAL_GENERATION when stale. */
    private Errors validateMember(String memberId, int memberEpoch) {
        ConsumerGroupMember member = memberId == null ? null : members.get(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (member.memberEpoch() == memberEpoch) {
            return Errors.NONE;
        }
        return member.usesClassicProtocol() ? Errors.ILLEGAL_GENERATION : Errors.STALE_MEMBER_EPOCH;
    }

    /**
     * Whether a classic member offering {@code protocols} may join: one of them must be offered by
     * every classic member already in the group (any will do when there is none).
     */
    boolean supportsClassic(List<ClassicProtocol> protocols) {
        for (ClassicProtocol protocol : protocols) {
            boolean everyone = true;
            for (ConsumerGroupMember member : members.values()) {
                if (member.usesClassicProtocol() && !member.classic().supports(protocol.name())) {
                    everyone = false;
                    break;
                }
            }
            if (everyone) {
                return true;
            }
        }
        return false;
    }

    /** Whether every member but {@code except} uses the classic protocol (and there is such a member). */
    boolean onlyClassicMembersBesides(Collection<String> except) {
        int others = 0;
        for (ConsumerGroupMember member : members.values()) {
            if (!except.contains(member.memberId())) {
                if (!member.usesClassicProtocol()) {
                    return false;
                }
                others++;
            }
        }
        return others > 0;
    }

    /** Whether a member waiting for partitions of its target still waits for another member to release one. */
    boolean waitsForUnreleased(ConsumerGroupMember member) {
        for (Map.Entry<Uuid, Set<Integer>> topic : target(member.memberId()).entrySet()) {
            Set<Integer> assigned = member.assignedPartitions().getOrDefault(topic.getKey(), Set.of());
            for (int partition : topic.getValue()) {
                if (!assigned.contains(partition) && currentPartitionEpoch(topic.getKey(), partition) != -1) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a member subscribes to {@code topic} by name or by regex. */
    @Override
    public boolean isSubscribedTo(String topic) {
        for (ConsumerGroupMember member : members.values()) {
            if (member.subscribedTopicNames().contains(topic) || member.subscribedTopicRegex() != null
                    && TopicSubscriptions.matches(member.subscribedTopicRegex(), topic)) {
                return true;
            }
        }
        return false;
    }

    /** Kafka's rule for consumer groups: an offset of a topic no member subscribes to ages from its commit. */
    @Override
    public long offsetExpirationBaseMs(String topic, long commitTimestampMs) {
        return isSubscribedTo(topic) ? -1 : commitTimestampMs;
    }

    @Override
    public Errors validateDeleteGroup() {
        return members.isEmpty() ? Errors.NONE : Errors.NON_EMPTY_GROUP;
    }

    /** Tombstones of the group's own records; an empty group has no member records left. */
    @Override
    public List<CoordinatorRecord> deletionRecords() {
        return List.of(ConsumerGroupRecords.targetAssignmentMetadataTombstone(groupId),
                ConsumerGroupRecords.groupMetadataTombstone(groupId));
    }

    int groupEpoch() {
        return groupEpoch;
    }

    long metadataHash() {
        return metadataHash;
    }

    int assignmentEpoch() {
        return assignmentEpoch;
    }

    /** Members by id, in member id order; unmodifiable. */
    Map<String, ConsumerGroupMember> members() {
        return Collections.unmodifiableMap(members);
    }

    ConsumerGroupMember member(String memberId) {
        return members.get(memberId);
    }

    /** The member holding {@code instanceId}, or null. */
    ConsumerGroupMember staticMember(String instanceId) {
        String memberId = memberIdsByInstanceId.get(instanceId);
        return memberId == null ? null : members.get(memberId);
    }

    /** The target assignment of a member; empty if it has none. */
    Map<Uuid, Set<Integer>> target(String memberId) {
        return targets.getOrDefault(memberId, Map.of());
    }

    /** The epoch of the member owning the partition (assigned or pending revocation), or -1 if free. */
    int currentPartitionEpoch(Uuid topicId, int partition) {
        Map<Integer, Integer> epochs = partitionEpochs.get(topicId);
        Integer epoch = epochs == null ? null : epochs.get(partition);
        return epoch == null ? -1 : epoch;
    }

    /** Kafka's consumer group states: empty, assigning, reconciling or stable. */
    GroupState state() {
        if (members.isEmpty()) {
            return GroupState.EMPTY;
        }
        if (groupEpoch > assignmentEpoch) {
            return GroupState.ASSIGNING;
        }
        for (ConsumerGroupMember member : members.values()) {
            if (!member.isReconciledTo(assignmentEpoch)) {
                return GroupState.RECONCILING;
            }
        }
        return GroupState.STABLE;
    }

    /**
     * The assignor the members prefer: the one most of them ask for (ties: smaller name), else
     * {@code defaultAssignor}.
     */
    static String preferredAssignor(Collection<ConsumerGroupMember> members, String defaultAssignor) {
        Map<String, Integer> votes = new TreeMap<>();
        members.forEach(m -> {
            if (m.serverAssignor() != null) {
                votes.merge(m.serverAssignor(), 1, Integer::sum);
            }
        });
        String preferred = defaultAssignor;
        int most = 0;
        for (Map.Entry<String, Integer> vote : votes.entrySet()) { // in name order: ties keep the smaller
            if (vote.getValue() > most) {
                preferred = vote.getKey();
                most = vote.getValue();
            }
        }
        return preferred;
    }

    // ---- replay ----

    void replayGroupMetadata(int groupEpoch, long metadataHash) {
        this.groupEpoch = groupEpoch;
        this.metadataHash = metadataHash;
    }

    void replayAssignmentEpoch(int assignmentEpoch) {
        this.assignmentEpoch = assignmentEpoch;
    }

    /** Sets a member's subscription, keeping its assignment; adds the member if new. */
    void replaySubscription(ConsumerGroupMember subscription) {
        ConsumerGroupMember existing = members.get(subscription.memberId());
        ConsumerGroupMember updated = existing == null ? subscription
                : existing.withSubscription(subscription.instanceId(), subscription.rackId(),
                subscription.clientId(), subscription.clientHost(), subscription.subscribedTopicNames(),
                subscription.subscribedTopicRegex(), subscription.serverAssignor(),
                subscription.rebalanceTimeoutMs()).withClassic(subscription.classic());
        if (existing != null && existing.instanceId() != null) {
            memberIdsByInstanceId.remove(existing.instanceId(), existing.memberId());
        }
        members.put(updated.memberId(), updated);
        if (updated.instanceId() != null) {
            memberIdsByInstanceId.put(updated.instanceId(), updated.memberId());
        }
    }

    void replayMemberRemoved(String memberId) {
        ConsumerGroupMember removed = members.remove(memberId);
        if (removed != null) {
            releasePartitions(removed);
            if (removed.instanceId() != null) {
                memberIdsByInstanceId.remove(removed.instanceId(), memberId);
            }
        }
    }

    void replayTarget(String memberId, Map<Uuid, Set<Integer>> partitions) {
        targets.put(memberId, Assignments.copyOf(partitions));
    }

    void replayTargetRemoved(String memberId) {
        targets.remove(memberId);
    }

    void replayCurrentAssignment(String memberId, ConsumerGroupRecords.CurrentAssignment assignment) {
        ConsumerGroupMember member = members.getOrDefault(memberId, ConsumerGroupMember.joining(memberId));
        releasePartitions(member);
        ConsumerGroupMember updated = member.withAssignment(assignment.memberEpoch(),
                assignment.previousMemberEpoch(), assignment.state(), assignment.assignedPartitions(),
                assignment.partitionsPendingRevocation());
        members.put(memberId, updated);
        claimPartitions(updated);
    }

    void replayCurrentAssignmentRemoved(String memberId) {
        ConsumerGroupMember member = members.get(memberId);
        if (member != null) {
            releasePartitions(member);
            members.put(memberId, member.withAssignment(0, 0, MemberState.STABLE, Map.of(), Map.of()));
        }
    }

    private void releasePartitions(ConsumerGroupMember member) {
        forEachOwned(member, (topicId, partition) -> {
            Map<Integer, Integer> epochs = partitionEpochs.get(topicId);
            if (epochs != null) {
                epochs.remove(partition);
                if (epochs.isEmpty()) {
                    partitionEpochs.remove(topicId);
                }
            }
        });
    }

    private void claimPartitions(ConsumerGroupMember member) {
        forEachOwned(member, (topicId, partition) ->
                partitionEpochs.computeIfAbsent(topicId, t -> new HashMap<>()).put(partition, member.memberEpoch()));
    }

    private static void forEachOwned(ConsumerGroupMember member, PartitionAction action) {
        member.assignedPartitions().forEach((topicId, ps) -> ps.forEach(p -> action.apply(topicId, p)));
        member.partitionsPendingRevocation().forEach((topicId, ps) -> ps.forEach(p -> action.apply(topicId, p)));
    }

    private interface PartitionAction {
        void apply(Uuid topicId, int partition);
    }
}
