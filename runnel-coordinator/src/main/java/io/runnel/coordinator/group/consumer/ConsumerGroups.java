package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.ClassicProtocol;
import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.GroupRegistry;
import io.runnel.coordinator.group.MigratingMember;
import io.runnel.coordinator.group.assignor.PartitionAssignor;
import io.runnel.coordinator.group.classic.ClassicGroup;
import io.runnel.coordinator.group.classic.ClassicGroups;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorTimer;
import io.runnel.metadata.MetadataImage;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * All consumer groups (KIP-848 protocol) of one group coordinator shard: ConsumerGroupHeartbeat,
 * ConsumerGroupDescribe, metadata changes and replay. The groups live in the shard's {@link
 * GroupRegistry} next to classic groups; as {@link Group}s ({@link ConsumerGroup}) they answer
 * listing, deletion and the member checks of offset commits and fetches.
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
    private final GroupRegistry registry;
    private final ClassicGroups classic;
    private final ClassicMemberRequests classicMembers = new ClassicMemberRequests(this);

    /**
     * @param registry          the shard's groups of both protocols; consumer groups are added
     *                          and removed by {@link #replay} (and by the shard when a classic
     *                          JoinGroup takes over an empty one)
     * @param classic           the shard's classic groups, for online conversions
     * @param timer             the shard's timers
     * @param settings          the broker's consumer group settings
     * @param metadata          the current metadata image (topics by name, partition counts, ids)
     * @param memberIdGenerator member ids for v0 clients that let the server choose
     */
    public ConsumerGroups(GroupRegistry registry, ClassicGroups classic, CoordinatorTimer timer,
                          ConsumerGroupSettings settings, Supplier<MetadataImage> metadata,
                          Supplier<String> memberIdGenerator) {
        this.registry = registry;
        this.classic = classic;
        this.timer = timer;
        this.settings = settings;
        this.metadata = metadata;
        this.memberIdGenerator = memberIdGenerator;
        this.assignors = settings.assignorsByName();
    }

    /** With random member ids ({@link Uuid#randomUuid()}) for v0 clients. */
    public ConsumerGroups(GroupRegistry registry, ClassicGroups classic, CoordinatorTimer timer,
                          ConsumerGroupSettings settings, Supplier<MetadataImage> metadata) {
        this(registry, classic, timer, settings, metadata, () -> Uuid.randomUuid().toString());
    }

    /** The classic protocol's requests of members of consumer groups. */
    public ClassicMemberRequests classicMembers() {
        return classicMembers;
    }

    // ---- ConsumerGroupHeartbeat ----

    /**
     * Handles a ConsumerGroupHeartbeat: join (epoch 0), heartbeat, leave (-1) or static leave (-2).
     * An error is a response with its error code and no records. A join to an empty classic group
     * replaces it (its tombstone comes first). A join to a classic group with members converts it
     * (online upgrade) when the migration policy allows and its members are Kafka consumers; else
     * it is GROUP_ID_NOT_FOUND.
     */
    public CoordinatorResult<ConsumerGroupHeartbeatResponseData> heartbeat(ConsumerGroupHeartbeatRequestData request,
                                                                          HeartbeatContext context) {
        try {
            HeartbeatValidation.validate(request, context, assignors.keySet(), subscriptions);
            List<CoordinatorRecord> records = new ArrayList<>();
            Group existing = registry.get(request.groupId());
            ClassicGroup upgraded = null;
            if (existing != null && !(existing instanceof ConsumerGroup)) {
                if (request.memberEpoch() == 0 && existing.isEmpty()) {
                    records.addAll(existing.deletionRecords());
                    log.info("[GroupId {}] Empty {} group becomes a consumer group.", request.groupId(),
                            existing.type());
                } else if (request.memberEpoch() == 0 && existing instanceof ClassicGroup classicGroup
                        && upgradable(classicGroup)) {
                    upgraded = classicGroup;
                } else {
                    throw Errors.GROUP_ID_NOT_FOUND.exception("Group " + request.groupId()
                            + " is not a consumer group.");
                }
            }
            if (request.memberEpoch() < 0) {
                return leave(request);
            }
            ConsumerGroup group = registry.get(request.groupId(), ConsumerGroup.class);
            List<CoordinatorRecord> conversion = List.of();
            if (upgraded != null) {
                conversion = upgradeRecords(upgraded);
                group = replayed(request.groupId(), conversion);
            } else if (group == null) {
                if (request.memberEpoch() != 0) {
                    throw Errors.GROUP_ID_NOT_FOUND.exception("Consumer group " + request.groupId() + " not found.");
                }
                group = new ConsumerGroup(request.groupId());
            }
            String memberId = request.memberId().isEmpty() ? memberIdGenerator.get() : request.memberId();
            MemberHeartbeat.Outcome outcome = runHeartbeat(group, request, context, memberId, null);
            if (upgraded != null) {
                log.info("[GroupId {}] Classic group with {} members becomes a consumer group (online upgrade).",
                        group.groupId(), upgraded.migratingMembers().size());
                records.addAll(classic.handOver(upgraded));
                records.addAll(conversion);
                for (ConsumerGroupMember member : group.members().values()) {
                    scheduleSessionTimeout(group.groupId(), member);
                }
            }
            armTimers(group.groupId(), outcome);
            records.addAll(outcome.result().records());
            return new CoordinatorResult<>(records, outcome.result().response());
        } catch (ApiException e) {
            return CoordinatorResult.of(new ConsumerGroupHeartbeatResponseData()
                    .setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage()));
        }
    }

    /** The shard's classic groups (a classic JoinGroup that downgrades the group continues there). */
    ClassicGroups classic() {
        return classic;
    }

    /** Runs one heartbeat of {@code memberId} (a ConsumerGroupHeartbeat, or a classic member's JoinGroup). */
    MemberHeartbeat.Outcome runHeartbeat(ConsumerGroup group, ConsumerGroupHeartbeatRequestData request,
                                         HeartbeatContext context, String memberId, ClassicMemberMetadata classic) {
        return new MemberHeartbeat(group, request, context, settings, assignors, subscriptions, metadata.get(),
                classic).run(memberId);
    }

    MetadataImage image() {
        return metadata.get();
    }

    // ---- online migration ----

    /** Kafka's conditions of an online upgrade: the policy allows it, the members are consumers, the size fits. */
    private boolean upgradable(ClassicGroup group) {
        if (!settings.migrationPolicy().upgradeEnabled()) {
            log.info("[GroupId {}] Not upgrading the classic group: {} does not allow it.", group.groupId(),
                    ConsumerGroupSettings.MIGRATION_POLICY);
            return false;
        }
        return group.usesConsumerProtocol() && group.protocolName() != null
                && group.migratingMembers().size() <= settings.maxSize();
    }

    /**
     * The records that turn a classic group into a consumer group: each member keeps its id, its
     * last assignment (as current and target assignment) and its subscription, at the group's
     * generation as epoch; members keep using the classic protocol until they restart.
     *
     * @throws ApiException GROUP_ID_NOT_FOUND when a member's embedded consumer protocol does not parse
     */
    private List<CoordinatorRecord> upgradeRecords(ClassicGroup classicGroup) {
        String groupId = classicGroup.groupId();
        int epoch = classicGroup.generationId();
        MetadataImage image = metadata.get();
        List<ConsumerGroupMember> members = new ArrayList<>();
        try {
            for (MigratingMember m : classicGroup.migratingMembers()) {
                ConsumerPartitionAssignor.Subscription subscription = ConsumerProtocol.deserializeSubscription(
                        ByteBuffer.wrap(protocolMetadata(m, classicGroup.protocolName())));
                Map<Uuid, Set<Integer>> assigned = ClassicMemberRequests.deserialize(m.assignment(), image);
                members.add(ConsumerGroupMember.joining(m.memberId())
                        .withSubscription(m.instanceId(), subscription.rackId().orElse(null), m.clientId(),
                                m.clientHost(), subscription.topics(), null, null, m.rebalanceTimeoutMs())
                        .withClassic(new ClassicMemberMetadata(m.sessionTimeoutMs(), m.protocols()))
                        .withAssignment(epoch, epoch, MemberState.STABLE, assigned, Map.of()));
            }
        } catch (RuntimeException e) {
            throw Errors.GROUP_ID_NOT_FOUND.exception("Cannot upgrade classic group " + groupId
                    + ": its embedded consumer protocol does not parse.");
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        members.forEach(m -> records.add(ConsumerGroupRecords.memberSubscription(groupId, m)));
        long hash = TopicSubscriptions.metadataHash(subscriptions.subscribedTopics(members, image), image);
        records.add(ConsumerGroupRecords.groupMetadata(groupId, epoch, hash));
        members.forEach(m -> records.add(
                ConsumerGroupRecords.targetAssignmentMember(groupId, m.memberId(), m.assignedPartitions())));
        records.add(ConsumerGroupRecords.targetAssignmentMetadata(groupId, epoch));
        members.forEach(m -> records.add(ConsumerGroupRecords.currentAssignment(groupId, m)));
        return records;
    }

    private static byte[] protocolMetadata(MigratingMember member, String protocolName) {
        byte[] metadata = ClassicProtocol.metadataOf(member.protocols(), protocolName);
        if (metadata == null) {
            throw new IllegalStateException("member " + member.memberId() + " lacks protocol " + protocolName);
        }
        return metadata;
    }

    /** A group built from {@code records} alone (not registered): what replaying them will make. */
    private static ConsumerGroup replayed(String groupId, List<CoordinatorRecord> records) {
        ConsumerGroup group = new ConsumerGroup(groupId);
        records.forEach(r -> apply(group, r.type(), ConsumerGroupRecords.readKey(r), r.value()));
        return group;
    }

    /**
     * Kafka's conditions of an online downgrade once {@code leaving} are gone: a consumer-protocol
     * member leaves, only classic members remain, the policy allows it and they fit a classic group.
     */
    boolean downgradable(ConsumerGroup group, Collection<ConsumerGroupMember> leaving) {
        List<String> leavingIds = leaving.stream().map(ConsumerGroupMember::memberId).toList();
        return leaving.stream().anyMatch(m -> !m.usesClassicProtocol())
                && group.onlyClassicMembersBesides(leavingIds)
                && settings.migrationPolicy().downgradeEnabled()
                && classic.admits(group.members().size() - leaving.size());
    }

    /**
     * Turns the group into a classic group of its remaining (classic) members, each with its
     * target assignment, which at once rebalances: tombstones of every consumer group record, then
     * the classic group's records. The classic group is registered directly, as its members'
     * futures and timers live in it; the tombstones then find no consumer group on replay.
     */
    private List<CoordinatorRecord> downgrade(ConsumerGroup group, Collection<ConsumerGroupMember> leaving) {
        List<String> leavingIds = leaving.stream().map(ConsumerGroupMember::memberId).toList();
        MetadataImage image = metadata.get();
        List<CoordinatorRecord> records = new ArrayList<>();
        List<MigratingMember> remaining = new ArrayList<>();
        for (ConsumerGroupMember member : group.members().values()) {
            records.addAll(removeMemberRecords(group.groupId(), member.memberId()));
            cancelTimers(group.groupId(), member.memberId());
            if (!leavingIds.contains(member.memberId())) {
                ClassicMemberMetadata c = member.classic();
                remaining.add(new MigratingMember(member.memberId(), member.instanceId(), member.clientId(),
                        member.clientHost(), member.rebalanceTimeoutMs(), c.sessionTimeoutMs(), c.protocols(),
                        ClassicMemberRequests.serialize(group.target(member.memberId()), c.consumerProtocolVersion(),
                                image)));
            }
        }
        records.addAll(group.deletionRecords());
        registry.remove(group.groupId());
        log.info("[GroupId {}] Consumer group with {} classic members becomes a classic group (online downgrade).",
                group.groupId(), remaining.size());
        records.addAll(classic.takeOver(group.groupId(), group.groupEpoch(), remaining));
        return records;
    }

    private void armTimers(String groupId, MemberHeartbeat.Outcome outcome) {
        ConsumerGroupMember member = outcome.member();
        if (outcome.replacedStaticMember() != null) {
            cancelTimers(groupId, outcome.replacedStaticMember().memberId());
        }
        scheduleSessionTimeout(groupId, member);
        if (member.state() == MemberState.UNREVOKED_PARTITIONS) {
            if (!timer.isScheduled(rebalanceTimerKey(groupId, member.memberId()))) {
                scheduleRebalanceTimeout(groupId, member.memberId(), member.memberEpoch(), member.rebalanceTimeoutMs());
            }
        } else {
            timer.cancel(rebalanceTimerKey(groupId, member.memberId()));
        }
    }

    private CoordinatorResult<ConsumerGroupHeartbeatResponseData> leave(ConsumerGroupHeartbeatRequestData request) {
        ConsumerGroup group = registry.get(request.groupId(), ConsumerGroup.class);
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
        return new CoordinatorResult<>(fence(group, List.of(member), "it left the group"), response);
    }

    /**
     * Records removing {@code members} and bumping the group epoch once, or converting the group
     * to a classic group when only classic members remain (online downgrade); cancels their timers.
     */
    List<CoordinatorRecord> fence(ConsumerGroup group, Collection<ConsumerGroupMember> members, String reason) {
        members.forEach(m -> log.info("[GroupId {}] Member {} removed from the group because {}.", group.groupId(),
                m.memberId(), reason));
        if (downgradable(group, members)) {
            return downgrade(group, members);
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        Map<String, ConsumerGroupMember> remaining = new TreeMap<>(group.members());
        for (ConsumerGroupMember member : members) {
            records.addAll(removeMemberRecords(group.groupId(), member.memberId()));
            remaining.remove(member.memberId());
            cancelTimers(group.groupId(), member.memberId());
        }
        MetadataImage image = metadata.get();
        long hash = TopicSubscriptions.metadataHash(subscriptions.subscribedTopics(remaining.values(), image), image);
        records.add(ConsumerGroupRecords.groupMetadata(group.groupId(), group.groupEpoch() + 1, hash));
        return records;
    }

    /** Tombstones of a member's current assignment, target assignment and subscription, in this order. */
    static List<CoordinatorRecord> removeMemberRecords(String groupId, String memberId) {
        return List.of(ConsumerGroupRecords.currentAssignmentTombstone(groupId, memberId),
                ConsumerGroupRecords.targetAssignmentMemberTombstone(groupId, memberId),
                ConsumerGroupRecords.memberSubscriptionTombstone(groupId, memberId));
    }

    // ---- timers ----

    /** (Re)arms the member's session timer: the group's timeout, or a classic member's own. */
    void scheduleSessionTimeout(String groupId, ConsumerGroupMember member) {
        String memberId = member.memberId();
        timer.schedule(sessionTimerKey(groupId, memberId), member.sessionTimeoutMs(settings.sessionTimeoutMs()),
                () -> fenceOnTimeout(groupId, memberId, -1, "its session expired"));
    }

    /** A classic member that joined must send SyncGroup within its rebalance timeout. */
    void scheduleSyncTimeout(String groupId, ConsumerGroupMember member) {
        String memberId = member.memberId();
        timer.schedule(syncTimerKey(groupId, memberId), member.rebalanceTimeoutMs(),
                () -> fenceOnTimeout(groupId, memberId, -1, "it did not send SyncGroup in time"));
    }

    void cancelSyncTimeout(String groupId, String memberId) {
        timer.cancel(syncTimerKey(groupId, memberId));
    }

    /** A classic member told to rejoin must send JoinGroup within its rebalance timeout. */
    void scheduleJoinTimeoutIfAbsent(String groupId, ConsumerGroupMember member) {
        String memberId = member.memberId();
        if (!timer.isScheduled(joinTimerKey(groupId, memberId))) {
            timer.schedule(joinTimerKey(groupId, memberId), member.rebalanceTimeoutMs(),
                    () -> fenceOnTimeout(groupId, memberId, -1, "it did not rejoin in time"));
        }
    }

    void cancelJoinTimeout(String groupId, String memberId) {
        timer.cancel(joinTimerKey(groupId, memberId));
    }

    private void scheduleRebalanceTimeout(String groupId, String memberId, int memberEpoch, int rebalanceTimeoutMs) {
        timer.schedule(rebalanceTimerKey(groupId, memberId), rebalanceTimeoutMs,
                () -> fenceOnTimeout(groupId, memberId, memberEpoch, "it did not revoke partitions in time"));
    }

    /** Fences the member if it still exists (and is still in {@code onlyInEpoch}, unless -1). */
    private CoordinatorResult<Void> fenceOnTimeout(String groupId, String memberId, int onlyInEpoch, String reason) {
        ConsumerGroup group = registry.get(groupId, ConsumerGroup.class);
        ConsumerGroupMember member = group == null ? null : group.member(memberId);
        if (member == null || onlyInEpoch != -1 && member.memberEpoch() != onlyInEpoch) {
            return CoordinatorResult.of(null);
        }
        return new CoordinatorResult<>(fence(group, List.of(member), reason), null);
    }

    void cancelTimers(String groupId, String memberId) {
        timer.cancel(sessionTimerKey(groupId, memberId));
        timer.cancel(rebalanceTimerKey(groupId, memberId));
        timer.cancel(joinTimerKey(groupId, memberId));
        timer.cancel(syncTimerKey(groupId, memberId));
    }

    static String sessionTimerKey(String groupId, String memberId) {
        return "consumer-session/" + groupId.length() + "/" + groupId + "/" + memberId;
    }

    static String rebalanceTimerKey(String groupId, String memberId) {
        return "consumer-rebalance/" + groupId.length() + "/" + groupId + "/" + memberId;
    }

    static String joinTimerKey(String groupId, String memberId) {
        return "consumer-join/" + groupId.length() + "/" + groupId + "/" + memberId;
    }

    static String syncTimerKey(String groupId, String memberId) {
        return "consumer-sync/" + groupId.length() + "/" + groupId + "/" + memberId;
    }

    /**
     * Arms the session timer of every member and the rebalance timer of every member that must
     * revoke partitions; called once after the shard has loaded its partition.
     */
    public void onLoaded() {
        consumerGroups().forEach(group -> group.members().values().forEach(member -> {
            scheduleSessionTimeout(group.groupId(), member);
            if (member.state() == MemberState.UNREVOKED_PARTITIONS && !member.usesClassicProtocol()) {
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
        consumerGroups().forEach(group -> {
            if (group.members().isEmpty()) {
                return;
            }
            Set<String> topics = subscriptions.subscribedTopics(group.members().values(), image);
            long hash = TopicSubscriptions.metadataHash(topics, image);
            if (hash != group.metadataHash()) {
                records.add(ConsumerGroupRecords.groupMetadata(group.groupId(), group.groupEpoch() + 1, hash));
            }
        });
        return new CoordinatorResult<>(records, null);
    }

    // ---- ConsumerGroupDescribe ----

    /** ConsumerGroupDescribe; a group that is not a consumer group here gets GROUP_ID_NOT_FOUND, as in Kafka. */
    public List<ConsumerGroupDescribeResponseData.DescribedGroup> describe(List<String> groupIds) {
        MetadataImage image = metadata.get();
        List<ConsumerGroupDescribeResponseData.DescribedGroup> described = new ArrayList<>();
        for (String groupId : groupIds) {
            ConsumerGroup group = registry.get(groupId, ConsumerGroup.class);
            described.add(group == null
                    ? new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                            .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                            .setErrorMessage(registry.get(groupId) == null ? "Group " + groupId + " not found."
                                    : "Group " + groupId + " is not a consumer group.")
                    : GroupDescriptions.describe(group, settings.assignors().get(0), image));
        }
        return described;
    }

    // ---- replay ----

    /**
     * Applies one record of types 3-15 (see {@link ConsumerGroupRecords}) to the state; runs for
     * records this class produced and for records loaded from the partition.
     */
    public void replay(CoordinatorRecord record) {
        if (!ConsumerGroupRecords.isKnown(record.type())) {
            log.debug("Skipping a consumer group record of unknown type {}", record.type());
            return;
        }
        ConsumerGroupRecords.Key key = ConsumerGroupRecords.readKey(record);
        byte[] value = record.value();
        if (value == null) {
            replayTombstone(record.type(), key);
            return;
        }
        ConsumerGroup group = registry.get(key.groupId(), ConsumerGroup.class);
        if (group == null) {
            group = new ConsumerGroup(key.groupId()); // replaces a classic group, if any
            registry.put(group);
        }
        apply(group, record.type(), key, value);
    }

    /** Applies one record (not a tombstone) of a known type to {@code group}. */
    private static void apply(ConsumerGroup group, short type, ConsumerGroupRecords.Key key, byte[] value) {
        switch (type) {
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
            default ->
                    group.replayCurrentAssignment(key.memberId(), ConsumerGroupRecords.readCurrentAssignment(value));
        }
    }

    /** A tombstone changes only a consumer group (a classic group may have taken the id since). */
    private void replayTombstone(short type, ConsumerGroupRecords.Key key) {
        ConsumerGroup group = registry.get(key.groupId(), ConsumerGroup.class);
        if (group == null) {
            return;
        }
        switch (type) {
            case ConsumerGroupRecords.GROUP_METADATA -> registry.remove(key.groupId());
            case ConsumerGroupRecords.MEMBER_SUBSCRIPTION -> group.replayMemberRemoved(key.memberId());
            case ConsumerGroupRecords.TARGET_ASSIGNMENT_METADATA -> group.replayAssignmentEpoch(0);
            case ConsumerGroupRecords.TARGET_ASSIGNMENT_MEMBER -> group.replayTargetRemoved(key.memberId());
            default -> group.replayCurrentAssignmentRemoved(key.memberId());
        }
    }

    private List<ConsumerGroup> consumerGroups() {
        List<ConsumerGroup> groups = new ArrayList<>();
        registry.all().forEach(g -> {
            if (g instanceof ConsumerGroup group) {
                groups.add(group);
            }
        });
        groups.sort(Comparator.comparing(ConsumerGroup::groupId));
        return groups;
    }

    /** Visible for tests: the group's state as replayed, or null. */
    ConsumerGroup group(String groupId) {
        return registry.get(groupId, ConsumerGroup.class);
    }
}
