package io.runnel.coordinator.group.consumer;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData.TopicPartitions;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves a member's current assignment one step towards its target (KIP-848 reconciliation).
 *
 * <p>Rules: partitions the member keeps stay assigned; partitions it loses are first put pending
 * revocation, and the member stays in its epoch ({@link MemberState#UNREVOKED_PARTITIONS}) until
 * a heartbeat's owned partitions no longer contain them; only then does it move to the target
 * epoch and receive new partitions. A new partition still owned by another member (its current
 * partition epoch is not -1) is withheld ({@link MemberState#UNRELEASED_PARTITIONS}) until that
 * member has released it. A heartbeat that does not report owned partitions (null) is taken to
 * still own everything it was given.
 *
 * <p>Stateless; pure function of its arguments.
 */
final class MemberReconciler {

    /** The epoch of the member owning a partition, or -1 when the partition is free. */
    interface PartitionEpochs {
        int epochOf(Uuid topicId, int partition);
    }

    private final ConsumerGroupMember member;
    private final int targetEpoch;
    private final Map<Uuid, Set<Integer>> target;
    private final PartitionEpochs partitionEpochs;
    private final List<TopicPartitions> ownedPartitions;

    private MemberReconciler(ConsumerGroupMember member, int targetEpoch, Map<Uuid, Set<Integer>> target,
                             PartitionEpochs partitionEpochs, List<TopicPartitions> ownedPartitions) {
        this.member = member;
        this.targetEpoch = targetEpoch;
        this.target = target;
        this.partitionEpochs = partitionEpochs;
        this.ownedPartitions = ownedPartitions;
    }

    /**
     * The member after one reconciliation step.
     *
     * @param ownedPartitions the partitions the heartbeat reports as owned, or null if not reported
     */
    static ConsumerGroupMember reconcile(ConsumerGroupMember member, int targetEpoch, Map<Uuid, Set<Integer>> target,
                                         PartitionEpochs partitionEpochs, List<TopicPartitions> ownedPartitions) {
        return new MemberReconciler(member, targetEpoch, target, partitionEpochs, ownedPartitions).step();
    }

    private ConsumerGroupMember step() {
        switch (member.state()) {
            case STABLE:
                return member.memberEpoch() == targetEpoch ? member : next(member.memberEpoch());
            case UNREVOKED_PARTITIONS:
                if (stillOwnsAny(member.partitionsPendingRevocation())) {
                    return member;
                }
                return next(member.memberEpoch() + 1);
            case UNRELEASED_PARTITIONS:
                return next(member.memberEpoch());
            default:
                throw new IllegalStateException("Unknown member state " + member.state());
        }
    }

    /** One step; {@code epochIfRevoking} is the epoch the member keeps while it must revoke. */
    private ConsumerGroupMember next(int epochIfRevoking) {
        Map<Uuid, Set<Integer>> kept = new HashMap<>();
        Map<Uuid, Set<Integer>> revoking = new HashMap<>();
        Map<Uuid, Set<Integer>> newlyAssigned = new HashMap<>();
        boolean unreleased = false;
        Set<Uuid> topics = new HashSet<>(target.keySet());
        topics.addAll(member.assignedPartitions().keySet());
        for (Uuid topicId : topics) {
            Set<Integer> targetPartitions = target.getOrDefault(topicId, Set.of());
            Set<Integer> current = member.assignedPartitions().getOrDefault(topicId, Set.of());
            Set<Integer> keep = new HashSet<>(current);
            keep.retainAll(targetPartitions);
            Set<Integer> revoke = new HashSet<>(current);
            revoke.removeAll(keep);
            Set<Integer> add = new HashSet<>(targetPartitions);
            add.removeAll(keep);
            Set<Integer> ownRevoking = member.partitionsPendingRevocation().getOrDefault(topicId, Set.of());
            unreleased |= add.removeIf(p -> partitionEpochs.epochOf(topicId, p) != -1 && !ownRevoking.contains(p));
            putIfNotEmpty(kept, topicId, keep);
            putIfNotEmpty(revoking, topicId, revoke);
            putIfNotEmpty(newlyAssigned, topicId, add);
        }
        if (!revoking.isEmpty() && stillOwnsAny(revoking)) {
            return member.withAssignment(epochIfRevoking, member.memberEpoch(), MemberState.UNREVOKED_PARTITIONS,
                    kept, revoking);
        }
        newlyAssigned.forEach((topicId, ps) -> kept.computeIfAbsent(topicId, t -> new HashSet<>()).addAll(ps));
        MemberState state = unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE;
        int previousEpoch = targetEpoch == member.memberEpoch() ? member.previousMemberEpoch() : member.memberEpoch();
        return member.withAssignment(targetEpoch, previousEpoch, state, kept, Map.of());
    }

    private boolean stillOwnsAny(Map<Uuid, Set<Integer>> partitions) {
        if (ownedPartitions == null) {
            return true;
        }
        for (TopicPartitions owned : ownedPartitions) {
            Set<Integer> candidates = partitions.getOrDefault(owned.topicId(), Set.of());
            for (int partition : owned.partitions()) {
                if (candidates.contains(partition)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void putIfNotEmpty(Map<Uuid, Set<Integer>> map, Uuid topicId, Set<Integer> partitions) {
        if (!partitions.isEmpty()) {
            map.put(topicId, partitions);
        }
    }
}
