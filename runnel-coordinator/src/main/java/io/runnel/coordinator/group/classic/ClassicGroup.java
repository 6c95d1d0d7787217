package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.ClassicProtocol;
import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.MigratingMember;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group of the classic protocol (JoinGroup/SyncGroup): members, generation, the selected
 * protocol and the leader that computes assignments on the client side. The coordinator never
 * reads assignments; it reads subscriptions only to know which topics a "consumer" group uses.
 *
 * <p>As in Kafka, membership lives in memory and changes as requests arrive; the group's record
 * (type 2, {@link ClassicGroupRecords}) is a snapshot written when a generation's assignment is
 * synced or the group empties, so a restart gets the generation and members back.
 *
 * <p>Thread-safety: confined to the shard's thread.
 */
public final class ClassicGroup implements Group {
    static final String CONSUMER_PROTOCOL_TYPE = ConsumerProtocol.PROTOCOL_TYPE;

    private final String groupId;
    ClassicGroupState state = ClassicGroupState.EMPTY;
    int generationId;
    String protocolType;
    String protocolName;
    String leaderId;
    long currentStateTimestampMs;
    final Map<String, ClassicMember> members = new LinkedHashMap<>();
    /** group.instance.id -> member id of the static members. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED (KIP-394) that have not joined yet. */
    final Set<String> pendingMembers = new HashSet<>();
    /** Members of the current generation that have not sent SyncGroup yet (KIP-814). */
    final Set<String> pendingSync = new HashSet<>();
    /** While the delayed first rebalance runs: the remaining rebalance timeout, else -1. */
    long initialDelayRemainingMs = -1;
    boolean newMemberJoinedDuringDelay;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.currentStateTimestampMs = nowMs;
    }

    void transitionTo(ClassicGroupState next, long nowMs) {
        state = next;
        currentStateTimestampMs = nowMs;
    }

    public ClassicGroupState state() {
        return state;
    }

    public int generationId() {
        return generationId;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public GroupType type() {
        return GroupType.CLASSIC;
    }

    @Override
    public String stateName() {
        return state.kafkaName();
    }

    @Override
    public String protocolType() {
        return protocolType == null ? "" : protocolType;
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty() && pendingMembers.isEmpty();
    }

    /** The static member id for {@code groupInstanceId}, or null. */
    String staticMemberId(String groupInstanceId) {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    /**
     * UNKNOWN_MEMBER_ID for an unknown member, FENCED_INSTANCE_ID when a static member's instance
     * id now belongs to another member id.
     */
    Errors validateMember(String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String current = staticMembers.get(groupInstanceId);
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            return current.equals(memberId) ? Errors.NONE : Errors.FENCED_INSTANCE_ID;
        }
        return members.containsKey(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    @Override
    public Errors validateOffsetCommit(String memberId, String groupInstanceId, int generationId) {
        return validateCommit(memberId, groupInstanceId, generationId, false);
    }

    /**
     * As an OffsetCommit, except (Kafka's rules, as old TxnOffsetCommit versions carry no member):
     * a commit without member id and generation is accepted while the group has members, and a
     * member may commit while the group completes a rebalance.
     */
    @Override
    public Errors validateTxnOffsetCommit(String memberId, String groupInstanceId, int generationId) {
        return validateCommit(memberId, groupInstanceId, generationId, true);
    }

    private Errors validateCommit(String memberId, String groupInstanceId, int generationId, boolean transactional) {
        if (state == ClassicGroupState.DEAD) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generationId < 0 && state == ClassicGroupState.EMPTY) {
            return Errors.NONE; // assign() or admin commit into a group without members
        }
        if (generationId >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            Errors memberError = validateMember(memberId, groupInstanceId);
            if (memberError != Errors.NONE) {
                return memberError;
            }
            if (generationId != this.generationId) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!transactional) {
            return Errors.UNKNOWN_MEMBER_ID; // a commit from outside a group that has members
        }
        // The member knows the generation but has not synced its assignment yet.
        return !transactional && state == ClassicGroupState.COMPLETING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS
                : Errors.NONE;
    }

    @Override
    public Errors validateOffsetFetch(String memberId, int memberEpoch) {
        return Errors.NONE;
    }

    @Override
    public boolean isSubscribedTo(String topic) {
        if (members.isEmpty()) {
            return false;
        }
        Set<String> topics = subscribedTopics();
        return topics == null || topics.contains(topic);
    }

    @Override
    public long offsetExpirationBaseMs(String topic, long commitTimestampMs) {
        if (protocolType == null || protocolType.isEmpty()) {
            return commitTimestampMs;
        }
        if (state == ClassicGroupState.EMPTY) {
            return currentStateTimestampMs;
        }
        Set<String> topics = CONSUMER_PROTOCOL_TYPE.equals(protocolType) ? subscribedTopics() : null;
        return topics != null && !topics.contains(topic) ? commitTimestampMs : -1;
    }

    @Override
    public Errors validateDeleteGroup() {
        if (state == ClassicGroupState.DEAD) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        return state == ClassicGroupState.EMPTY ? Errors.NONE : Errors.NON_EMPTY_GROUP;
    }

    @Override
    public List<CoordinatorRecord> deletionRecords() {
        return List.of(ClassicGroupRecords.tombstone(groupId));
    }

    /** Whether a member with these protocols may join: same protocol type, and one protocol every member supports. */
    boolean supportsProtocols(String protocolType, List<ClassicProtocol> protocols) {
        if (protocolType == null || protocolType.isEmpty() || protocols.isEmpty()) {
            return false;
        }
        if (members.isEmpty()) {
            return true;
        }
        if (!protocolType.equals(protocolType)) {
            return false;
        }
        for (ClassicProtocol p : protocols) {
            boolean allSupport = members.values().stream().allMatch(m -> m.metadata(p.name()) != null);
            if (allSupport) {
                return true;
            }
        }
        return false;
    }

    /** The protocol every member supports that most members prefer (Kafka's vote). */
    String selectProtocol() {
        List<String> candidates = new ArrayList<>();
        ClassicMember first = members.values().iterator().next();
        for (ClassicProtocol p : first.protocols) {
            if (members.values().stream().allMatch(m -> m.metadata(p.name()) != null)) {
                candidates.add(p.name());
            }
        }
        Map<String, Integer> votes = new HashMap<>();
        for (ClassicMember m : members.values()) {
            m.protocols.stream().map(ClassicProtocol::name).filter(candidates::contains).findFirst()
                    .ifPresent(name -> votes.merge(name, 1, Integer::sum));
        }
        String best = candidates.get(0);
        for (String c : candidates) {
            if (votes.getOrDefault(c, 0) > votes.getOrDefault(best, 0)) {
                best = c;
            }
        }
        return best;
    }

    /** The longest rebalance timeout of the members, in milliseconds. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (ClassicMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    /** Whether its members are Kafka consumers (protocol type "consumer"), so a consumer group can take it over. */
    public boolean usesConsumerProtocol() {
        return CONSUMER_PROTOCOL_TYPE.equals(protocolType);
    }

    /** The protocol selected for the current generation, or null before the first one. */
    public String protocolName() {
        return protocolName;
    }

    /** The members as they move to a consumer group, with their last assignment. */
    public List<MigratingMember> migratingMembers() {
        List<MigratingMember> migrating = new ArrayList<>();
        for (ClassicMember m : members.values()) {
            migrating.add(new MigratingMember(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                    m.rebalanceTimeoutMs, m.sessionTimeoutMs, m.protocols, m.assignment));
        }
        return migrating;
    }

    /** DescribeGroups' answer: members with metadata and assignment only once the group is Stable. */
    public DescribedGroup describe() {
        boolean stable = state == ClassicGroupState.STABLE;
        DescribedGroup described = new DescribedGroup().setGroupId(groupId).setGroupState(stateName())
                .setProtocolType(protocolType()).setProtocolData(stable && protocolName != null ? protocolName : "");
        for (ClassicMember m : members.values()) {
            byte[] metadata = stable ? m.metadata(protocolName) : null;
            described.members().add(new DescribedGroupMember().setMemberId(m.memberId)
                    .setGroupInstanceId(m.groupInstanceId).setClientId(m.clientId).setClientHost(m.clientHost)
                    .setMemberMetadata(metadata == null ? new byte[0] : metadata)
                    .setMemberAssignment(stable ? m.assignment : new byte[0]));
        }
        return described;
    }

    /**
     * The topics the members of a "consumer" group subscribe to, or null when unknown (another
     * protocol type, or a subscription that does not parse).
     */
    Set<String> subscribedTopics() {
        if (!CONSUMER_PROTOCOL_TYPE.equals(protocolType) || protocolName == null) {
            return null;
        }
        Set<String> topics = new HashSet<>();
        for (ClassicMember member : members.values()) {
            byte[] metadata = member.metadata(protocolName);
            if (metadata == null) {
                return null;
            }
            try {
                ConsumerPartitionAssignor.Subscription subscription =
                        ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata));
                topics.addAll(subscription.topics());
            } catch (RuntimeException e) {
                return null;
            }
        }
        return topics;
    }
}
