package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.ClassicProtocol;
import io.runnel.coordinator.group.classic.ClassicResponses;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData.TopicPartitions;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The classic protocol's requests (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) from members of
 * a consumer group that still use it, as after an online upgrade or while a group is rolled from
 * one protocol to the other (Kafka's semantics, KIP-848 "upgrade/downgrade").
 *
 * <p>Such a member is reconciled by the consumer group like any other: a JoinGroup is a full
 * ConsumerGroupHeartbeat of epoch 0 whose subscription and owned partitions come from the
 * JoinGroup's embedded consumer protocol, and it is answered at once with the member's epoch as
 * the generation and no leader (the client then just syncs). A static classic member that takes
 * the instance id of the last consumer-protocol member downgrades the group first. SyncGroup
 * returns the member's current assignment. A Heartbeat answers REBALANCE_IN_PROGRESS when the
 * member must rejoin: the group epoch moved past its epoch, it must revoke partitions, or
 * partitions it waited for were released. Timers: the member's own session timeout, a sync
 * deadline after each JoinGroup and a join deadline after being told to rejoin (both its
 * rebalance timeout); missing one fences it.
 *
 * <p>Thread-safety: none. Every method runs on the shard's thread.
 */
public final class ClassicMemberRequests {

    private final ConsumerGroups groups;

    ClassicMemberRequests(ConsumerGroups groups) {
        this.groups = groups;
    }

    /**
     * JoinGroup to a consumer group with members. Request-level checks (group id, session timeout
     * bounds) are the caller's. The answer goes to {@code response} once the records commit.
     */
    public CoordinatorResult<Runnable> join(ConsumerGroup group, JoinGroupRequestData request, short version,
                                            String clientId, String clientHost,
                                            CompletableFuture<JoinGroupResponseData> response) {
        boolean unknownMember = request.memberId().isEmpty();
        String memberId = unknownMember ? Uuid.randomUuid().toString() : request.memberId();
        try {
            List<ClassicProtocol> protocols = new ArrayList<>();
            request.protocols().forEach(p -> protocols.add(new ClassicProtocol(p.name(), p.metadata())));
            if (!ConsumerProtocol.PROTOCOL_TYPE.equals(request.protocolType()) || !group.supportsClassic(protocols)) {
                throw Errors.INCONSISTENT_GROUP_PROTOCOL.exception("Member " + memberId
                        + "'s protocols are not supported by consumer group " + group.groupId() + ".");
            }
            if (unknownMember && request.groupInstanceId() == null && version >= 4) {
                // KIP-394: the member must come back with the id it is given.
                return answer(response, ClassicResponses.joinError(memberId, Errors.MEMBER_ID_REQUIRED));
            }
            ConsumerGroupMember holder = request.groupInstanceId() == null ? null
                    : group.staticMember(request.groupInstanceId());
            if (holder != null && !unknownMember && !holder.memberId().equals(memberId)) {
                throw Errors.FENCED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                        + request.groupInstanceId() + " was fenced by member " + holder.memberId() + ".");
            }
            if (holder != null && unknownMember && groups.downgradable(group, List.of(holder))) {
                // The last consumer-protocol member restarts as a classic one: the group becomes
                // classic (and rebalances), and the join continues there as a new static member.
                List<CoordinatorRecord> records = new ArrayList<>(
                        groups.fence(group, List.of(holder), "its instance id rejoined with the classic protocol"));
                CoordinatorResult<Runnable> joined = groups.classic().join(request, version, clientId, clientHost,
                        response);
                records.addAll(joined.records());
                return new CoordinatorResult<>(records, joined.response());
            }
            ConsumerPartitionAssignor.Subscription subscription =
                    ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(protocols.get(0).metadata()));
            ConsumerGroupHeartbeatRequestData asHeartbeat = new ConsumerGroupHeartbeatRequestData()
                    .setGroupId(group.groupId()).setMemberId(memberId).setMemberEpoch(0)
                    .setInstanceId(request.groupInstanceId()).setRackId(subscription.rackId().orElse(null))
                    .setRebalanceTimeoutMs(request.rebalanceTimeoutMs())
                    .setSubscribedTopicNames(subscription.topics()).setServerAssignor(null)
                    .setTopicPartitions(owned(subscription.ownedPartitions(), groups.image()));
            ClassicMemberMetadata classic = new ClassicMemberMetadata(request.sessionTimeoutMs(), protocols);
            MemberHeartbeat.Outcome outcome = groups.runHeartbeat(group, asHeartbeat,
                    new HeartbeatContext(version, clientId, clientHost), memberId, classic);
            ConsumerGroupMember member = outcome.member();
            if (outcome.replacedStaticMember() != null) {
                groups.cancelTimers(group.groupId(), outcome.replacedStaticMember().memberId());
            }
            groups.cancelJoinTimeout(group.groupId(), memberId);
            groups.scheduleSessionTimeout(group.groupId(), member);
            groups.scheduleSyncTimeout(group.groupId(), member);
            JoinGroupResponseData answer = new JoinGroupResponseData().setMemberId(memberId)
                    .setGenerationId(member.memberEpoch()).setProtocolType(ConsumerProtocol.PROTOCOL_TYPE)
                    .setProtocolName(classic.protocolName()).setLeader("");
            return new CoordinatorResult<>(outcome.result().records(), () -> response.complete(answer));
        } catch (ApiException e) {
            return answer(response, ClassicResponses.joinError(memberId, Errors.forException(e)));
        } catch (RuntimeException e) { // an embedded subscription that does not parse
            return answer(response, ClassicResponses.joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
    }

    /** SyncGroup: the member's current assignment, serialized in its ConsumerProtocol version. */
    public SyncGroupResponseData sync(ConsumerGroup group, SyncGroupRequestData request) {
        try {
            ConsumerGroupMember member = classicMember(group, request.memberId(), request.groupInstanceId());
            throwIfGenerationDiffers(member, request.generationId());
            String protocolName = member.classic().protocolName();
            if (request.protocolType() != null && !ConsumerProtocol.PROTOCOL_TYPE.equals(request.protocolType())
                    || request.protocolName() != null && !protocolName.equals(request.protocolName())) {
                throw Errors.INCONSISTENT_GROUP_PROTOCOL.exception("Member " + member.memberId()
                        + " synced with another protocol than its JoinGroup answer named.");
            }
            if (group.groupEpoch() > member.memberEpoch() && member.state() != MemberState.UNREVOKED_PARTITIONS) {
                groups.scheduleJoinTimeoutIfAbsent(group.groupId(), member);
                throw Errors.REBALANCE_IN_PROGRESS.exception("Group " + group.groupId() + " moved on; rejoin.");
            }
            groups.cancelSyncTimeout(group.groupId(), member.memberId());
            groups.scheduleSessionTimeout(group.groupId(), member);
            return new SyncGroupResponseData().setProtocolType(ConsumerProtocol.PROTOCOL_TYPE)
                    .setProtocolName(protocolName).setAssignment(serializedAssignment(member, groups.image()));
        } catch (ApiException e) {
            return ClassicResponses.syncError(Errors.forException(e));
        }
    }

    /** Heartbeat: REBALANCE_IN_PROGRESS when the member must rejoin to move towards its target. */
    public HeartbeatResponseData heartbeat(ConsumerGroup group, HeartbeatRequestData request) {
        Errors error = Errors.NONE;
        try {
            ConsumerGroupMember member = classicMember(group, request.memberId(), request.groupInstanceId());
            throwIfGenerationDiffers(member, request.generationId());
            groups.scheduleSessionTimeout(group.groupId(), member);
            if (member.memberEpoch() < group.groupEpoch() || member.state() == MemberState.UNREVOKED_PARTITIONS
                    || member.state() == MemberState.UNRELEASED_PARTITIONS && !group.waitsForUnreleased(member)) {
                groups.scheduleJoinTimeoutIfAbsent(group.groupId(), member);
                error = Errors.REBALANCE_IN_PROGRESS;
            }
        } catch (ApiException e) {
            error = Errors.forException(e);
        }
        return new HeartbeatResponseData().setErrorCode(error.code());
    }

    /** LeaveGroup (v3+ batch; v0-2 one member): classic members leave; consumer-protocol members are unknown here. */
    public CoordinatorResult<LeaveGroupResponseData> leave(ConsumerGroup group, LeaveGroupRequestData request,
                                                           short version) {
        List<MemberIdentity> identities = version >= 3 ? request.members()
                : List.of(new MemberIdentity().setMemberId(request.memberId()));
        LeaveGroupResponseData response = new LeaveGroupResponseData();
        Map<String, ConsumerGroupMember> leaving = new LinkedHashMap<>();
        for (MemberIdentity identity : identities) {
            Errors error = Errors.NONE;
            String memberId = identity.memberId();
            try {
                // LeaveGroup may remove a static member by instance id alone (an admin's removal).
                boolean byInstanceId = identity.groupInstanceId() != null && identity.memberId().isEmpty();
                ConsumerGroupMember member = classicMember(group, identity.memberId(), identity.groupInstanceId(),
                        byInstanceId);
                memberId = member.memberId();
                leaving.put(memberId, member);
            } catch (ApiException e) {
                error = Errors.forException(e);
            }
            response.members().add(new MemberResponse().setMemberId(memberId)
                    .setGroupInstanceId(identity.groupInstanceId()).setErrorCode(error.code()));
        }
        if (version < 3) {
            response.setErrorCode(response.members().get(0).errorCode());
            response.members().clear();
        }
        List<CoordinatorRecord> records = leaving.isEmpty() ? List.of()
                : groups.fence(group, leaving.values(), "it left the group");
        return new CoordinatorResult<>(records, response);
    }

    /** The member a SyncGroup or Heartbeat names, which must use the classic protocol. */
    private static ConsumerGroupMember classicMember(ConsumerGroup group, String memberId, String instanceId) {
        return classicMember(group, memberId, instanceId, false);
    }

    /**
     * The member a request names, which must use the classic protocol; a static member's id must
     * match unless {@code anyMemberId}.
     */
    private static ConsumerGroupMember classicMember(ConsumerGroup group, String memberId, String instanceId,
                                                     boolean anyMemberId) {
        ConsumerGroupMember member;
        if (instanceId == null) {
            member = group.member(memberId);
        } else {
            member = group.staticMember(instanceId);
            if (member != null && !anyMemberId && !member.memberId().equals(memberId)) {
                throw Errors.FENCED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                        + instanceId + " was fenced by member " + member.memberId() + ".");
            }
        }
        if (member == null || !member.usesClassicProtocol()) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("Member " + memberId + " is not a classic member of group "
                    + group.groupId() + ".");
        }
        return member;
    }

    private static void throwIfGenerationDiffers(ConsumerGroupMember member, int generationId) {
        if (generationId != member.memberEpoch()) {
            throw Errors.ILLEGAL_GENERATION.exception("Generation " + generationId + " is not member "
                    + member.memberId() + "'s epoch " + member.memberEpoch() + ".");
        }
    }

    /** The owned partitions of a JoinGroup subscription by topic id; partitions of unknown topics are dropped. */
    static List<TopicPartitions> owned(List<TopicPartition> partitions, MetadataImage image) {
        Map<Uuid, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            TopicImage topic = image.topicsByName().get(tp.topic());
            if (topic != null) {
                byTopic.computeIfAbsent(topic.id(), id -> new ArrayList<>()).add(tp.partition());
            }
        }
        List<TopicPartitions> owned = new ArrayList<>();
        byTopic.forEach((id, ps) -> owned.add(new TopicPartitions().setTopicId(id).setPartitions(ps)));
        return owned;
    }

    /** A member's current assignment as the classic client reads it from SyncGroup. */
    static byte[] serializedAssignment(ConsumerGroupMember member, MetadataImage image) {
        return serialize(member.assignedPartitions(), member.classic().consumerProtocolVersion(), image);
    }

    /** Partitions by topic id, serialized with ConsumerProtocol; partitions of deleted topics are left out. */
    static byte[] serialize(Map<Uuid, Set<Integer>> partitions, short version, MetadataImage image) {
        List<TopicPartition> topicPartitions = new ArrayList<>();
        new TreeMap<>(partitions).forEach((id, ps) -> {
            TopicImage topic = image.topicsById().get(id);
            if (topic != null) {
                ps.stream().sorted().forEach(p -> topicPartitions.add(new TopicPartition(topic.name(), p)));
            }
        });
        ByteBuffer buffer = ConsumerProtocol.serializeAssignment(
                new ConsumerPartitionAssignor.Assignment(topicPartitions), version);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** Partitions of a serialized ConsumerProtocol assignment, by topic id; unknown topics are left out. */
    static Map<Uuid, Set<Integer>> deserialize(byte[] assignment, MetadataImage image) {
        Map<Uuid, Set<Integer>> partitions = new HashMap<>();
        if (assignment == null || assignment.length == 0) {
            return partitions;
        }
        for (TopicPartition tp : ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment)).partitions()) {
            TopicImage topic = image.topicsByName().get(tp.topic());
            if (topic != null) {
                partitions.computeIfAbsent(topic.id(), id -> new HashSet<>()).add(tp.partition());
            }
        }
        return partitions;
    }

    private static <T> CoordinatorResult<Runnable> answer(CompletableFuture<T> future, T response) {
        return new CoordinatorResult<>(List.of(), () -> future.complete(response));
    }
}
