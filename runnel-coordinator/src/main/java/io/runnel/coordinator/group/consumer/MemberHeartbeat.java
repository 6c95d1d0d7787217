package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.assignor.AssignmentSpec;
import io.runnel.coordinator.group.assignor.PartitionAssignor;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData.TopicPartitions;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One ConsumerGroupHeartbeat of a joining or active member, computed against the group's state
 * without changing it: the records to append and the response (KIP-848). A classic member's
 * JoinGroup runs as a joining heartbeat with its {@link ClassicMemberMetadata}.
 *
 * <p>Steps, as in Kafka: (1) find or create the member (a static member that left with epoch -2
 * is replaced by the new one, which takes over its assignment); (2) record its subscription and
 * bump the group epoch if the subscription or the metadata of the subscribed topics changed; (3)
 * if the group epoch is ahead of the target assignment epoch, run the assignor and record the
 * changed targets; (4) reconcile the member one step towards its target and record its new
 * current assignment. Timers are set by {@link ConsumerGroups} from the outcome.
 *
 * <p>Used once, on the shard thread.
 */
final class MemberHeartbeat {

    private static final Logger log = LoggerFactory.getLogger(MemberHeartbeat.class);

    /** The records, the response and the member as it will be after replay. */
    record Outcome(CoordinatorResult<ConsumerGroupHeartbeatResponseData> result, ConsumerGroupMember member,
                   ConsumerGroupMember replacedStaticMember) {
    }

    private final ConsumerGroup group;
    private final ConsumerGroupHeartbeatRequestData request;
    private final HeartbeatContext context;
    private final ConsumerGroupSettings settings;
    private final Map<String, PartitionAssignor> assignors;
    private final TopicSubscriptions subscriptions;
    private final MetadataImage image;
    private final ClassicMemberMetadata classic;
    private final List<CoordinatorRecord> records = new ArrayList<>();

    MemberHeartbeat(ConsumerGroup group, ConsumerGroupHeartbeatRequestData request, HeartbeatContext context,
                    ConsumerGroupSettings settings, Map<String, PartitionAssignor> assignors,
                    TopicSubscriptions subscriptions, MetadataImage image, ClassicMemberMetadata classic) {
        this.group = group;
        this.request = request;
        this.context = context;
        this.settings = settings;
        this.assignors = assignors;
        this.subscriptions = subscriptions;
        this.image = image;
        this.classic = classic;
    }

    /**
     * Runs the heartbeat of member {@code memberId} (already generated if the client sent none).
     *
     * @throws org.apache.kafka.common.errors.ApiException carrying the error for the client; no records then
     */
    Outcome run(String memberId) {
        boolean joining = request.memberEpoch() == 0;
        ConsumerGroupMember replaced = null;
        ConsumerGroupMember member;
        if (request.instanceId() == null) {
            member = dynamicMember(memberId, joining);
        } else {
            ConsumerGroupMember existing = group.staticMember(request.instanceId());
            if (joining && existing != null && existing.memberId().equals(memberId)) {
                member = existing; // the same instance joins again (e.g. our response was lost)
            } else if (joining && existing != null) {
                // A classic JoinGroup replaces a static member at once, as the classic protocol does.
                if (existing.memberEpoch() != ConsumerGroupMember.LEAVE_GROUP_STATIC_MEMBER_EPOCH
                        && classic == null && !existing.usesClassicProtocol()) {
                    throw Errors.UNRELEASED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                            + request.instanceId() + " cannot join the group because the instance id is owned by "
                            + existing.memberId() + ".");
                }
                replaced = existing;
                member = existing.withMemberId(memberId).withAssignment(0, 0, existing.state(),
                        existing.assignedPartitions(), existing.partitionsPendingRevocation());
                replaceMember(existing, member);
            } else if (joining) {
                member = dynamicMember(memberId, true);
            } else {
                member = activeStaticMember(existing, memberId);
            }
        }
        throwIfGroupFull(member, replaced);

        ConsumerGroupMember updated = withRequestedSubscription(member);
        boolean bump = joining && replaced == null && group.member(memberId) == null;
        if (!updated.equals(member)) {
            records.add(ConsumerGroupRecords.memberSubscription(group.groupId(), updated));
            bump |= updated.subscriptionDiffers(member);
        }

        Map<String, ConsumerGroupMember> members = new TreeMap<>(group.members());
        if (replaced != null) {
            members.remove(replaced.memberId());
        }
        members.put(memberId, updated);
        Set<String> subscribedTopics = subscriptions.subscribedTopics(members.values(), image);
        long metadataHash = TopicSubscriptions.metadataHash(subscribedTopics, image);
        int groupEpoch = group.groupEpoch();
        if (bump || metadataHash != group.metadataHash()) {
            groupEpoch++;
            records.add(ConsumerGroupRecords.groupMetadata(group.groupId(), groupEpoch, metadataHash));
            log.info("[GroupId {}] Bumped group epoch to {}.", group.groupId(), groupEpoch);
        }

        int targetEpoch = group.assignmentEpoch();
        Map<Uuid, Set<Integer>> target = replaced != null ? group.target(replaced.memberId()) : group.target(memberId);
        if (groupEpoch > group.assignmentEpoch()) {
            target = updateTargetAssignment(groupEpoch, members, memberId, replaced).get(memberId);
            targetEpoch = groupEpoch;
        }

        ConsumerGroupMember reconciled = updated.isReconciledTo(targetEpoch) ? updated
                : MemberReconciler.reconcile(updated, targetEpoch, target, group::currentPartitionEpoch,
                request.topicPartitions());
        if (!sameAssignment(reconciled, updated)) {
            records.add(ConsumerGroupRecords.currentAssignment(group.groupId(), reconciled));
        }

        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(memberId)
                .setMemberEpoch(reconciled.memberEpoch())
                .setHeartbeatIntervalMs(settings.heartbeatIntervalMs());
        if (isFullRequest() || !reconciled.assignedPartitions().equals(member.assignedPartitions())) {
            response.setAssignment(responseAssignment(reconciled.assignedPartitions()));
        }
        return new Outcome(new CoordinatorResult<>(records, response), reconciled, replaced);
    }

    private ConsumerGroupMember dynamicMember(String memberId, boolean joining) {
        ConsumerGroupMember member = group.member(memberId);
        if (member == null) {
            if (!joining) {
                throw Errors.UNKNOWN_MEMBER_ID.exception("Member " + memberId + " is not a member of group "
                        + group.groupId() + ".");
            }
            return ConsumerGroupMember.joining(memberId);
        }
        if (!joining) {
            throwIfEpochInvalid(member);
        }
        return member;
    }

    private ConsumerGroupMember activeStaticMember(ConsumerGroupMember existing, String memberId) {
        if (existing == null) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("Instance id " + request.instanceId() + " is unknown.");
        }
        if (!existing.memberId().equals(memberId)) {
            throw Errors.FENCED_INSTANCE_ID.exception("Static member " + memberId + " with instance id "
                    + request.instanceId() + " was fenced by member " + existing.memberId() + ".");
        }
        throwIfEpochInvalid(existing);
        return existing;
    }

    /**
     * A member with a greater epoch than ours, or a smaller one, is fenced; except the previous
     * epoch with owned partitions within the current assignment (our last response was lost).
     */
    private void throwIfEpochInvalid(ConsumerGroupMember member) {
        int received = request.memberEpoch();
        if (received > member.memberEpoch()
                || received < member.memberEpoch() && (received != member.previousMemberEpoch()
                || !ownedWithin(member.assignedPartitions()))) {
            throw Errors.FENCED_MEMBER_EPOCH.exception("The consumer group member has epoch " + received
                    + " but the group coordinator knows epoch " + member.memberEpoch()
                    + ". The member must abandon all its partitions and rejoin.");
        }
    }

    private boolean ownedWithin(Map<Uuid, Set<Integer>> assignment) {
        if (request.topicPartitions() == null) {
            return false;
        }
        for (TopicPartitions owned : request.topicPartitions()) {
            Set<Integer> assigned = assignment.getOrDefault(owned.topicId(), Set.of());
            if (!assigned.containsAll(owned.partitions())) {
                return false;
            }
        }
        return true;
    }

    private void throwIfGroupFull(ConsumerGroupMember member, ConsumerGroupMember replaced) {
        boolean adds = replaced == null && group.member(member.memberId()) == null;
        if (adds && group.members().size() >= settings.maxSize()) {
            throw Errors.GROUP_MAX_SIZE_REACHED.exception("The consumer group has reached its maximum capacity of "
                    + settings.maxSize() + " members.");
        }
    }

    /** Records replacing a static member that left by a new member with its assignment. */
    private void replaceMember(ConsumerGroupMember old, ConsumerGroupMember replacement) {
        records.addAll(ConsumerGroups.removeMemberRecords(group.groupId(), old.memberId()));
        records.add(ConsumerGroupRecords.memberSubscription(group.groupId(), replacement));
        records.add(ConsumerGroupRecords.targetAssignmentMember(group.groupId(), replacement.memberId(),
                group.target(old.memberId())));
        records.add(ConsumerGroupRecords.currentAssignment(group.groupId(), replacement));
        log.info("[GroupId {}] Static member with instance id {} rejoins as {}, replacing {}.", group.groupId(),
                old.instanceId(), replacement.memberId(), old.memberId());
    }

    /** The member with the fields the request sets (null fields leave the member's as they are). */
    private ConsumerGroupMember withRequestedSubscription(ConsumerGroupMember member) {
        String regex = request.subscribedTopicRegex() == null ? member.subscribedTopicRegex()
                : request.subscribedTopicRegex().isEmpty() ? null : request.subscribedTopicRegex();
        return member.withSubscription(
                request.instanceId() != null ? request.instanceId() : member.instanceId(),
                request.rackId() != null ? request.rackId() : member.rackId(),
                context.clientId(), context.clientHost(),
                request.subscribedTopicNames() != null ? request.subscribedTopicNames() : member.subscribedTopicNames(),
                regex,
                request.serverAssignor() != null ? request.serverAssignor() : member.serverAssignor(),
                request.rebalanceTimeoutMs() != -1 ? request.rebalanceTimeoutMs() : member.rebalanceTimeoutMs())
                .withClassic(classic);
    }

    /** Runs the assignor over {@code members} and records every target that changed. */
    private Map<String, Map<Uuid, Set<Integer>>> updateTargetAssignment(int groupEpoch,
                                                                        Map<String, ConsumerGroupMember> members,
                                                                        String memberId,
                                                                        ConsumerGroupMember replaced) {
        String replacementId = replaced == null ? null : memberId;
        Map<String, AssignmentSpec.MemberSpec> specs = new HashMap<>();
        Map<Uuid, Integer> partitionCounts = new HashMap<>();
        Map<String, Map<Uuid, Set<Integer>>> previous = new HashMap<>();
        members.forEach((id, member) -> {
            Map<Uuid, Set<Integer>> current = id.equals(replacementId)
                    ? group.target(replaced.memberId()) : group.target(id);
            previous.put(id, current);
            List<Uuid> topicIds = new ArrayList<>();
            for (String name : subscriptions.subscribedTopics(member, image)) {
                TopicImage topic = image.topicsByName().get(name);
                topicIds.add(topic.id());
                partitionCounts.put(topic.id(), topic.partitions().size());
            }
            specs.put(id, new AssignmentSpec.MemberSpec(member.instanceId(), Set.copyOf(topicIds), current));
        });
        String assignorName = ConsumerGroup.preferredAssignor(members.values(), settings.assignors().get(0));
        Map<String, Map<Uuid, Set<Integer>>> targets =
                assignors.get(assignorName).assign(new AssignmentSpec(specs, partitionCounts));
        targets.forEach((id, partitions) -> {
            if (!partitions.equals(previous.get(id))) {
                records.add(ConsumerGroupRecords.targetAssignmentMember(group.groupId(), id, partitions));
            }
        });
        records.add(ConsumerGroupRecords.targetAssignmentMetadata(group.groupId(), groupEpoch));
        log.info("[GroupId {}] Computed target assignment of epoch {} with assignor {}.", group.groupId(),
                groupEpoch, assignorName);
        return targets;
    }

    /**
     * A full request (sent when joining or after an error) gets the assignment even if unchanged:
     * the member may have lost it.
     */
    private boolean isFullRequest() {
        return request.memberEpoch() == 0 || request.rebalanceTimeoutMs() != -1
                && (request.subscribedTopicNames() != null || request.subscribedTopicRegex() != null)
                && request.topicPartitions() != null;
    }

    private static boolean sameAssignment(ConsumerGroupMember a, ConsumerGroupMember b) {
        return a.memberEpoch() == b.memberEpoch() && a.previousMemberEpoch() == b.previousMemberEpoch()
                && a.state() == b.state() && a.assignedPartitions().equals(b.assignedPartitions())
                && Objects.equals(a.partitionsPendingRevocation(), b.partitionsPendingRevocation());
    }

    private static ConsumerGroupHeartbeatResponseData.Assignment responseAssignment(
            Map<Uuid, Set<Integer>> partitions) {
        List<ConsumerGroupHeartbeatResponseData.TopicPartitions> topics = new ArrayList<>();
        new TreeMap<>(partitions).forEach((topicId, ps) -> topics.add(
                new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(topicId)
                        .setPartitions(ps.stream().sorted().toList())));
        return new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(topics);
    }
}
