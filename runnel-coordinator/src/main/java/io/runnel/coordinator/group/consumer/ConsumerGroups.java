package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.assignor.PartitionAssignor;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorTimer;
import io.runnel.metadata.MetadataImage;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * All consumer groups (KIP-848 protocol) of one group coordinator shard: ConsumerGroupHeartbeat,
 * ConsumerGroupDescribe, listing, deletion and the member checks of offset commits and fetches.
 *
 * <p>Writes return records plus a result and change nothing; the state changes only in {@link
 * #replay}, which the shard runs for every record it appends or loads. The shard must replay a
 * write's records before it runs the next operation. After loading a partition, the shard calls
 * {@link #onLoaded()} to arm the members' session timers.
 *
 * <p>Timers (on the shard's {@link CoordinatorTimer}): a session timer per member, rearmed by each
 * heartbeat, fences the member when it expires (its partitions go to the others); a rebalance
 * timer fences a member that has not revoked partitions within its rebalance timeout.
 *
 * <p>Thread-safety: none. Every method runs on the shard's thread.
 */
public final class ConsumerGroups {

    private static final Logger log = LoggerFactory.getLogger(ConsumerGroups.class);

    private final CoordinatorTimer timer;
    private final ConsumerGroupSettings settings;
    private final Supplier<MetadataImage> metadata;
    private final Supplier<String> memberIdGenerator;
    private final Map<String, PartitionAssignor> assignors;
    private final TopicSubscriptions subscriptions = new TopicSubscriptions();
    private final Map<String, ConsumerGroup> groups = new HashMap<>();

    /**
     * @param timer             the shard's timers
     * @param settings          the broker's consumer group settings
     * @param metadata          the current metadata image (topics by name, partition counts, ids)
     * @param memberIdGenerator member ids for v0 clients that let the server choose
     */
    public ConsumerGroups(CoordinatorTimer timer, ConsumerGroupSettings settings, Supplier<MetadataImage> metadata,
                          Supplier<String> memberIdGenerator) {
        this.timer = timer;
        this.settings = settings;
        this.metadata = metadata;
        this.memberIdGenerator = memberIdGenerator;
        this.assignors = settings.assignorsByName();
    }

    /** With random member ids ({@link Uuid#randomUuid()}) for v0 clients. */
    public ConsumerGroups(CoordinatorTimer timer, ConsumerGroupSettings settings, Supplier<MetadataImage> metadata) {
        this(timer, settings, metadata, () -> Uuid.randomUuid().toString());
    }

    // ---- ConsumerGroupHeartbeat ----

    /**
     * Handles a ConsumerGroupHeartbeat: join (epoch 0), heartbeat, leave (-1) or static leave (-2).
     * An error is a response with its error code and no records.
     */
    public CoordinatorResult<ConsumerGroupHeartbeatResponseData> heartbeat(ConsumerGroupHeartbeatRequestData request,
                                                                          HeartbeatContext context) {
        try {
            HeartbeatValidation.validate(request, context, assignors.keySet(), subscriptions);
            if (request.memberEpoch() < 0) {
                return leave(request);
            }
            ConsumerGroup group = groups.get(request.groupId());
            if (group == null) {
                if (request.memberEpoch() != 0) {
                    throw Errors.GROUP_ID_NOT_FOUND.exception("Consumer group " + request.groupId() + " not found.");
                }
                group = new ConsumerGroup(request.groupId());
            }
            String memberId = request.memberId().isEmpty() ? memberIdGenerator.get() : request.memberId();
            MemberHeartbeat.Outcome outcome = new MemberHeartbeat(group, request, context, settings, assignors,
                    subscriptions, metadata.get()).run(memberId);
            armTimers(group.groupId(), outcome);
            return outcome.result();
        } catch (ApiException e) {
            return CoordinatorResult.of(new ConsumerGroupHeartbeatResponseData()
                    .setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage()));
        }
    }

    private void armTimers(String groupId, MemberHeartbeat.Outcome outcome) {
        ConsumerGroupMember member = outcome.member();
        if (outcome.replacedStaticMember() != null) {
            cancelTimers(groupId, outcome.replacedStaticMember().memberId());
        }
        scheduleSessionTimeout(groupId, member.memberId());
        if (member.state() == MemberState.UNREVOKED_PARTITIONS) {
            if (!timer.isScheduled(rebalanceTimerKey(groupId, member.memberId()))) {
                scheduleRebalanceTimeout(groupId, member.memberId(), member.memberEpoch(), member.rebalanceTimeoutMs());
            }
        } else {
            timer.cancel(rebalanceTimerKey(groupId, member.memberId()));
        }
    }

    private CoordinatorResult<ConsumerGroupHeartbeatResponseData> leave(ConsumerGroupHeartbeatRequestData request) {
        ConsumerGroup group = groups.get(request.groupId());
        if (group == null) {
            throw Errors.GROUP_ID_NOT_FOUND.exception("Consumer group " + request.groupId() + " not found.");
        }
        ConsumerGroupMember member;
        if (request.instanceId() == null) {
            member = group.member(request.memberId());
        } else {
            member = group.staticMember(request.instanceId());
            if (member != null && !member.memberId().equals(request.memberId())) {
                throw Errors.FENCED_INSTANCE_ID.exception("Static member " + request.memberId() + " with instance id "
                        + request.instanceId() + " was fenced by member " + member.memberId() + ".");
            }
        }
        if (member == null) {
            throw Errors.UNKNOWN_MEMBER_ID.exception("Member " + request.memberId() + " is not a member of group "
                    + request.groupId() + ".");
        }
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(member.memberId()).setMemberEpoch(request.memberEpoch());
        if (request.memberEpoch() == ConsumerGroupMember.LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            log.info("[GroupId {}] Static member {} with instance id {} left temporarily.", group.groupId(),
                    member.memberId(), member.instanceId());
            ConsumerGroupMember left = member.withAssignment(ConsumerGroupMember.LEAVE_GROUP_STATIC_MEMBER_EPOCH,
                    member.previousMemberEpoch(), member.state(), member.assignedPartitions(), Map.of());
            timer.cancel(rebalanceTimerKey(group.groupId(), member.memberId()));
            return new CoordinatorResult<>(List.of(ConsumerGroupRecords.currentAssignment(group.groupId(), left)),
                    response);
        }
        log.info("[GroupId {}] Member {} left the group.", group.groupId(), member.memberId());
        return new CoordinatorResult<>(fence(group, member), response);
    }

    /** Records removing {@code member} and bumping the group epoch; cancels its timers. */
    private List<CoordinatorRecord> fence(ConsumerGroup group, ConsumerGroupMember member) {
        List<CoordinatorRecord> records = new ArrayList<>(removeMemberRecords(group.groupId(), member.memberId()));
        Map<String, ConsumerGroupMember> remaining = new TreeMap<>(group.members());
        remaining.remove(member.memberId());
        MetadataImage image = metadata.get();
        long hash = TopicSubscriptions.metadataHash(subscriptions.subscribedTopics(remaining.values(), image), image);
        records.add(ConsumerGroupRecords.groupMetadata(group.groupId(), group.groupEpoch() + 1, hash));
        cancelTimers(group.groupId(), member.memberId());
        return records;
    }

    /** Tombstones of a member's current assignment, target assignment and subscription, in this order. */
    static List<CoordinatorRecord> removeMemberRecords(String groupId, String memberId) {
        return List.of(ConsumerGroupRecords.currentAssignmentTombstone(groupId, memberId),
                ConsumerGroupRecords.targetAssignmentMemberTombstone(groupId, memberId),
                ConsumerGroupRecords.memberSubscriptionTombstone(groupId, memberId));
    }

    // ---- timers ----

    private void scheduleSessionTimeout(String groupId, String memberId) {
        timer.schedule(sessionTimerKey(groupId, memberId), settings.sessionTimeoutMs(),
                () -> fenceOnTimeout(groupId, memberId, -1, "its session expired"));
    }

    private void scheduleRebalanceTimeout(String groupId, String memberId, int memberEpoch, int rebalanceTimeoutMs) {
        timer.schedule(rebalanceTimerKey(groupId, memberId), rebalanceTimeoutMs,
                () -> fenceOnTimeout(groupId, memberId, memberEpoch, "it did not revoke partitions in time"));
    }

    /** Fences the member if it still exists (and is still in {@code onlyInEpoch}, unless -1). */
    private CoordinatorResult<Void> fenceOnTimeout(String groupId, String memberId, int onlyInEpoch, String reason) {
        ConsumerGroup group = groups.get(groupId);
        ConsumerGroupMember member = group == null ? null : group.member(memberId);
        if (member == null || onlyInEpoch != -1 && member.memberEpoch() != onlyInEpoch) {
            return CoordinatorResult.of(null);
        }
        log.info("[GroupId {}] Member {} fenced from the group because {}.", groupId, memberId, reason);
        return new CoordinatorResult<>(fence(group, member), null);
    }

    private void cancelTimers(String groupId, String memberId) {
        timer.cancel(sessionTimerKey(groupId, memberId));
        timer.cancel(rebalanceTimerKey(groupId, memberId));
    }

    static String sessionTimerKey(String groupId, String memberId) {
        return "consumer-session/" + groupId.length() + "/" + groupId + "/" + memberId;
    }

    static String rebalanceTimerKey(String groupId, String memberId) {
        return "consumer-rebalance/" + groupId.length() + "/" + groupId + "/" + memberId;
    }

    /**
     * Arms the session timer of every member and the rebalance timer of every member that must
     * revoke partitions; called once after the shard has loaded its partition.
     */
    public void onLoaded() {
        groups.values().forEach(group -> group.members().values().forEach(member -> {
            scheduleSessionTimeout(group.groupId(), member.memberId());
            if (member.state() == MemberState.UNREVOKED_PARTITIONS) {
                scheduleRebalanceTimeout(group.groupId(), member.memberId(), member.memberEpoch(),
                        member.rebalanceTimeoutMs());
            }
        }));
    }

    // ---- metadata ----

    /**
     * Bumps the epoch of every group whose subscribed topics changed in {@code image} (created,
     * deleted, partitions added), so that its next heartbeats compute a new target assignment.
     */
    public CoordinatorResult<Void> onMetadataUpdate(MetadataImage image) {
        List<CoordinatorRecord> records = new ArrayList<>();
        new TreeMap<>(groups).forEach((groupId, group) -> {
            if (group.members().isEmpty()) {
                return;
            }
            Set<String> topics = subscriptions.subscribedTopics(group.members().values(), image);
            long hash = TopicSubscriptions.metadataHash(topics, image);
            if (hash != group.metadataHash()) {
                records.add(ConsumerGroupRecords.groupMetadata(groupId, group.groupEpoch() + 1, hash));
            }
        });
        return new CoordinatorResult<>(records, null);
    }

    // ---- admin ----

    public boolean contains(String groupId) {
        return groups.containsKey(groupId);
    }

    /** The group's state, {@link GroupState#DEAD} if there is no such consumer group. */
    public GroupState state(String groupId) {
        ConsumerGroup group = groups.get(groupId);
        return group == null ? GroupState.DEAD : group.state();
    }

    /** Every consumer group of this shard, by group id. */
    public List<GroupListing> listGroups() {
        List<GroupListing> listings = new ArrayList<>();
        new TreeMap<>(groups).forEach((id, group) -> listings.add(new GroupListing(id, group.state())));
        return listings;
    }

    /** ConsumerGroupDescribe; a group that is not a consumer group here gets GROUP_ID_NOT_FOUND. */
    public List<ConsumerGroupDescribeResponseData.DescribedGroup> describe(List<String> groupIds) {
        MetadataImage image = metadata.get();
        List<ConsumerGroupDescribeResponseData.DescribedGroup> described = new ArrayList<>();
        for (String groupId : groupIds) {
            ConsumerGroup group = groups.get(groupId);
            described.add(group == null
                    ? new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                            .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                            .setErrorMessage("Group " + groupId + " not found.")
                    : GroupDescriptions.describe(group, settings.assignors().get(0), image));
        }
        return described;
    }

    /**
     * Deletes an empty group (DeleteGroups): tombstones for its group records. The caller deletes
     * its committed offsets. GROUP_ID_NOT_FOUND if absent, NON_EMPTY_GROUP if it has members.
     */
    public CoordinatorResult<Errors> delete(String groupId) {
        ConsumerGroup group = groups.get(groupId);
        if (group == null) {
            return CoordinatorResult.of(Errors.GROUP_ID_NOT_FOUND);
        }
        if (!group.members().isEmpty()) {
            return CoordinatorResult.of(Errors.NON_EMPTY_GROUP);
        }
        return new CoordinatorResult<>(List.of(ConsumerGroupRecords.targetAssignmentMetadataTombstone(groupId),
                ConsumerGroupRecords.groupMetadataTombstone(groupId)), Errors.NONE);
    }

    /**
     * Checks an OffsetCommit (v9+) from a member of a consumer group: a negative epoch commits
     * only to an empty group (admin or manual commits); otherwise the member must exist and give
     * its current epoch. GROUP_ID_NOT_FOUND if this is not a consumer group here.
     */
    public Errors validateOffsetCommit(String groupId, String memberId, int memberEpoch) {
        ConsumerGroup group = groups.get(groupId);
        if (group == null) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        if (memberEpoch < 0 && group.members().isEmpty()) {
            return Errors.NONE;
        }
        return validateMember(group, memberId, memberEpoch);
    }

    /**
     * Checks an OffsetFetch (v9+) that names a member: without a member id (or with a negative
     * epoch and no member id) anyone may fetch; otherwise as for commits.
     */
    public Errors validateOffsetFetch(String groupId, String memberId, int memberEpoch) {
        ConsumerGroup group = groups.get(groupId);
        if (group == null) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        if (memberId == null || memberId.isEmpty() && memberEpoch < 0) {
            return Errors.NONE;
        }
        return validateMember(group, memberId, memberEpoch);
    }

    private static Errors validateMember(ConsumerGroup group, String memberId, int memberEpoch) {
        ConsumerGroupMember member = memberId == null ? null : group.member(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return member.memberEpoch() == memberEpoch ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
    }

    // ---- replay ----

    /**
     * Applies one record of types 3-15 (see {@link ConsumerGroupRecords}) to the state; runs for
     * records this class produced and for records loaded from the partition.
     */
    public void replay(CoordinatorRecord record) {
        ConsumerGroupRecords.Key key = ConsumerGroupRecords.readKey(record);
        byte[] value = record.value();
        if (value == null) {
            replayTombstone(record.type(), key);
            return;
        }
        ConsumerGroup group = groups.computeIfAbsent(key.groupId(), ConsumerGroup::new);
        switch (record.type()) {
            case ConsumerGroupRecords.GROUP_METADATA -> {
                ConsumerGroupRecords.GroupMetadata metadata = ConsumerGroupRecords.readGroupMetadata(value);
                group.replayGroupMetadata(metadata.groupEpoch(), metadata.metadataHash());
            }
            case ConsumerGroupRecords.MEMBER_SUBSCRIPTION ->
                    group.replaySubscription(ConsumerGroupRecords.readMemberSubscription(key.memberId(), value));
            case ConsumerGroupRecords.TARGET_ASSIGNMENT_METADATA ->
                    group.replayAssignmentEpoch(ConsumerGroupRecords.readTargetAssignmentMetadata(value));
            case ConsumerGroupRecords.TARGET_ASSIGNMENT_MEMBER ->
                    group.replayTarget(key.memberId(), ConsumerGroupRecords.readTargetAssignmentMember(value));
            case ConsumerGroupRecords.CURRENT_ASSIGNMENT ->
                    group.replayCurrentAssignment(key.memberId(), ConsumerGroupRecords.readCurrentAssignment(value));
            default -> throw new IllegalArgumentException("Not a consumer group record type: " + record.type());
        }
    }

    private void replayTombstone(short type, ConsumerGroupRecords.Key key) {
        ConsumerGroup group = groups.get(key.groupId());
        if (group == null) {
            return;
        }
        switch (type) {
            case ConsumerGroupRecords.GROUP_METADATA -> groups.remove(key.groupId());
            case ConsumerGroupRecords.MEMBER_SUBSCRIPTION -> group.replayMemberRemoved(key.memberId());
            case ConsumerGroupRecords.TARGET_ASSIGNMENT_METADATA -> group.replayAssignmentEpoch(0);
            case ConsumerGroupRecords.TARGET_ASSIGNMENT_MEMBER -> group.replayTargetRemoved(key.memberId());
            case ConsumerGroupRecords.CURRENT_ASSIGNMENT -> group.replayCurrentAssignmentRemoved(key.memberId());
            default -> throw new IllegalArgumentException("Not a consumer group record type: " + type);
        }
    }

    /** Visible for tests: the group's state as replayed, or null. */
    ConsumerGroup group(String groupId) {
        return groups.get(groupId);
    }
}
