package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.assignor.Assignments;
import org.apache.kafka.common.Uuid;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One member of a consumer group (KIP-848), immutable. The first fields are its subscription
 * (stored in the member-subscription record), the others its current assignment (stored in the
 * current-assignment record).
 *
 * @param memberId                    the member id (client-generated from v1 of the API)
 * @param instanceId                  {@code group.instance.id} of a static member, or null
 * @param rackId                      the member's rack, or null
 * @param clientId                    the client id of its last heartbeat
 * @param clientHost                  the client address of its last heartbeat
 * @param subscribedTopicNames        subscribed topic names, sorted and distinct
 * @param subscribedTopicRegex        subscribed regular expression (java.util.regex), or null
 * @param serverAssignor              the assignor the member asks for, or null
 * @param rebalanceTimeoutMs          how long the member may take to revoke partitions, in ms
 * @param memberEpoch                 the epoch of its current assignment; -2 after a static leave
 * @param previousMemberEpoch         its epoch before the last change (a lost response is forgiven)
 * @param state                       its reconciliation state
 * @param assignedPartitions          partitions it owns, by topic id
 * @param partitionsPendingRevocation partitions it must give up before it can move on
 * @param classic                     for a member using the classic protocol, its JoinGroup data;
 *                                    null for a member using ConsumerGroupHeartbeat
 */
public record ConsumerGroupMember(String memberId, String instanceId, String rackId, String clientId,
                                  String clientHost, List<String> subscribedTopicNames,
                                  String subscribedTopicRegex, String serverAssignor, int rebalanceTimeoutMs,
                                  int memberEpoch, int previousMemberEpoch, MemberState state,
                                  Map<Uuid, Set<Integer>> assignedPartitions,
                                  Map<Uuid, Set<Integer>> partitionsPendingRevocation,
                                  ClassicMemberMetadata classic) {

    /** The epoch a static member has after it left temporarily ({@code memberEpoch = -2}). */
    public static final int LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

    public ConsumerGroupMember {
        subscribedTopicNames = List.copyOf(new TreeSet<>(subscribedTopicNames));
        assignedPartitions = Assignments.copyOf(assignedPartitions);
        partitionsPendingRevocation = Assignments.copyOf(partitionsPendingRevocation);
    }

    /** A member that has just joined: no subscription, no assignment, epoch 0. */
    public static ConsumerGroupMember joining(String memberId) {
        return new ConsumerGroupMember(memberId, null, null, "", "", List.of(), null, null, -1,
                0, 0, MemberState.STABLE, Map.of(), Map.of(), null);
    }

    /** This member with another subscription (its assignment unchanged). */
    public ConsumerGroupMember withSubscription(String instanceId, String rackId, String clientId, String clientHost,
                                                List<String> subscribedTopicNames, String subscribedTopicRegex,
                                                String serverAssignor, int rebalanceTimeoutMs) {
        return new ConsumerGroupMember(memberId, instanceId, rackId, clientId, clientHost, subscribedTopicNames,
                subscribedTopicRegex, serverAssignor, rebalanceTimeoutMs, memberEpoch, previousMemberEpoch, state,
                assignedPartitions, partitionsPendingRevocation, classic);
    }

    /** This member with another current assignment (its subscription unchanged). */
    public ConsumerGroupMember withAssignment(int memberEpoch, int previousMemberEpoch, MemberState state,
                                              Map<Uuid, Set<Integer>> assignedPartitions,
                                              Map<Uuid, Set<Integer>> partitionsPendingRevocation) {
        return new ConsumerGroupMember(memberId, instanceId, rackId, clientId, clientHost, subscribedTopicNames,
                subscribedTopicRegex, serverAssignor, rebalanceTimeoutMs, memberEpoch, previousMemberEpoch, state,
                assignedPartitions, partitionsPendingRevocation, classic);
    }

    /** This member, subscription and assignment, under another member id (static member replacement). */
    public ConsumerGroupMember withMemberId(String newMemberId) {
        return new ConsumerGroupMember(newMemberId, instanceId, rackId, clientId, clientHost, subscribedTopicNames,
                subscribedTopicRegex, serverAssignor, rebalanceTimeoutMs, memberEpoch, previousMemberEpoch, state,
                assignedPartitions, partitionsPendingRevocation, classic);
    }

    /** This member with other classic protocol data (null: it uses the consumer protocol). */
    public ConsumerGroupMember withClassic(ClassicMemberMetadata newClassic) {
        return new ConsumerGroupMember(memberId, instanceId, rackId, clientId, clientHost, subscribedTopicNames,
                subscribedTopicRegex, serverAssignor, rebalanceTimeoutMs, memberEpoch, previousMemberEpoch, state,
                assignedPartitions, partitionsPendingRevocation, newClassic);
    }

    /** Whether the member uses the classic protocol (JoinGroup/SyncGroup/Heartbeat). */
    public boolean usesClassicProtocol() {
        return classic != null;
    }

    /** The session timeout that applies to this member: its own if classic, else the group's. */
    int sessionTimeoutMs(int consumerSessionTimeoutMs) {
        return classic != null ? classic.sessionTimeoutMs() : consumerSessionTimeoutMs;
    }

    /** Whether the member's subscription (names or regex) differs from {@code other}'s. */
    public boolean subscriptionDiffers(ConsumerGroupMember other) {
        return !subscribedTopicNames.equals(other.subscribedTopicNames)
                || !Objects.equals(subscribedTopicRegex, other.subscribedTopicRegex);
    }

    /** Whether the member owns its target at {@code targetEpoch} and has nothing left to do. */
    public boolean isReconciledTo(int targetEpoch) {
        return state == MemberState.STABLE && memberEpoch == targetEpoch;
    }
}
