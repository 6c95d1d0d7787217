package io.runnel.coordinator.group;

import io.runnel.coordinator.group.classic.ClassicGroup;
import io.runnel.coordinator.group.classic.ClassicGroupRecords;
import io.runnel.coordinator.group.classic.ClassicGroups;
import io.runnel.coordinator.group.classic.ClassicResponses;
import io.runnel.coordinator.group.consumer.ClassicMemberRequests;
import io.runnel.coordinator.group.consumer.ConsumerGroup;
import io.runnel.coordinator.group.consumer.ConsumerGroupRecords;
import io.runnel.coordinator.group.consumer.ConsumerGroupSettings;
import io.runnel.coordinator.group.consumer.ConsumerGroups;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorShard;
import io.runnel.coordinator.runtime.CoordinatorTimer;
import io.runnel.metadata.MetadataImage;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.Function;

/**
 * The group coordinator state of one {@code __consumer_offsets} partition: the registry of its
 * groups (classic and consumer), their committed offsets, the classic protocol, and the offset
 * APIs and admin APIs over them. Record types: 1 offsets ({@link OffsetRecords}), 2 classic
 * groups ({@link ClassicGroupRecords}); types 3-15 consumer groups (KIP-848, {@link
 * ConsumerGroupRecords}); a type this version does not know is skipped.
 *
 * <p>A group id is classic or consumer. Empty groups change type with the first join of the other
 * protocol. Groups with members convert online as in Kafka (KIP-848's upgrade and downgrade): a
 * ConsumerGroupHeartbeat join converts a classic group ({@link ConsumerGroups#heartbeat}); classic
 * members then live in the consumer group ({@link ClassicMemberRequests}) until the last
 * consumer-protocol member leaves and the group becomes classic again.
 *
 * <p>Thread-safety: confined to the shard's thread (see {@link io.runnel.coordinator.runtime.CoordinatorRuntime}).
 */
public final class GroupCoordinatorShard implements CoordinatorShard {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinatorShard.class);
    private static final String EXPIRY_TIMER = "offsets-expiry";

    private final GroupConfig config;
    private final Time time;
    private final CoordinatorTimer timer;
    private final GroupRegistry registry = new GroupRegistry();
    private final OffsetStore offsets;
    private final ClassicGroups classic;
    private final ConsumerGroups consumer;

    /**
     * @param consumerSettings the broker's {@code group.consumer.*} settings
     * @param metadata         the current metadata image (for consumer group subscriptions)
     */
    public GroupCoordinatorShard(GroupConfig config, ConsumerGroupSettings consumerSettings,
                                 Supplier<MetadataImage> metadata, Time time, CoordinatorTimer timer) {
        this.config = config;
        this.time = time;
        this.timer = timer;
        this.offsets = new OffsetStore(config, time);
        this.classic = new ClassicGroups(registry, config, time, timer);
        this.consumer = new ConsumerGroups(registry, classic, timer, consumerSettings, metadata);
    }

    /** A shard with default consumer group settings and no topics (tests of classic groups and offsets). */
    public GroupCoordinatorShard(GroupConfig config, Time time, CoordinatorTimer timer) {
        this(config, ConsumerGroupSettings.defaults(), () -> MetadataImage.empty(""), time, timer);
    }

    public GroupRegistry registry() {
        return registry;
    }

    public OffsetStore offsets() {
        return offsets;
    }

    public ClassicGroups classic() {
        return classic;
    }

    public ConsumerGroups consumer() {
        return consumer;
    }

    public CoordinatorTimer timer() {
        return timer;
    }

    public Time time() {
        return time;
    }

    public GroupConfig config() {
        return config;
    }

    @Override
    public void replay(CoordinatorRecord record) {
        switch (record.type()) {
            case OffsetRecords.TYPE -> {
                offsets.replay(record);
                if (!record.isTombstone()) {
                    classic.ensureGroup(OffsetRecords.readKey(record.key()).groupId());
                }
            }
            case ClassicGroupRecords.TYPE -> classic.replay(record);
            default -> {
                if (ConsumerGroupRecords.owns(record.type())) {
                    consumer.replay(record);
                    if (record.isTombstone()) {
                        // A deleted consumer group's offsets belong to an offsets-only group again.
                        String groupId = ConsumerGroupRecords.readKey(record).groupId();
                        if (registry.get(groupId) == null && offsets.hasOffsets(groupId)) {
                            classic.ensureGroup(groupId);
                        }
                    }
                } else {
                    log.debug("Skipping a __consumer_offsets record of unknown type {}", record.type());
                }
            }
        }
    }

    /** Only offset records are written in transactions (TxnOffsetCommit); they stay pending until the marker. */
    @Override
    public void replayTransactional(long producerId, CoordinatorRecord record) {
        if (record.type() != OffsetRecords.TYPE) {
            throw new IllegalStateException("a transactional __consumer_offsets record of type " + record.type());
        }
        offsets.replayTransactional(producerId, record);
        if (!record.isTombstone()) {
            classic.ensureGroup(OffsetRecords.readKey(record.key()).groupId());
        }
    }

    @Override
    public void replayEndTransaction(long producerId, boolean commit) {
        offsets.replayEndTransaction(producerId, commit);
    }

    @Override
    public void onLoaded() {
        classic.onLoaded();
        consumer.onLoaded();
        scheduleExpiry();
    }

    @Override
    public void onUnloaded() {
        classic.onUnloaded();
    }

    /**
     * JoinGroup (classic protocol). An empty consumer group under the id is deleted first (its
     * tombstones lead the records) so the classic group can take the id; a consumer group with
     * members gets INCONSISTENT_GROUP_PROTOCOL from {@link ClassicGroups#join}.
     */
    public CoordinatorResult<Runnable> joinGroup(JoinGroupRequestData request, short version, String clientId,
                                                 String clientHost, CompletableFuture<JoinGroupResponseData> response) {
        Group existing = registry.get(request.groupId());
        if (existing instanceof ConsumerGroup consumerGroup && !existing.isEmpty()) {
            Errors invalid = classic.validateJoin(request);
            if (invalid != Errors.NONE) {
                JoinGroupResponseData error = ClassicResponses.joinError(request.memberId(), invalid);
                return new CoordinatorResult<>(List.of(), () -> response.complete(error));
            }
            return consumer.classicMembers().join(consumerGroup, request, version, clientId, clientHost, response);
        }
        if (existing == null || existing.type() == GroupType.CLASSIC) {
            return classic.join(request, version, clientId, clientHost, response);
        }
        log.info("[GroupId {}] Empty consumer group becomes a classic group.", request.groupId());
        List<CoordinatorRecord> records = new ArrayList<>(existing.deletionRecords());
        registry.remove(request.groupId()); // as its tombstones will on replay; the classic join needs the id free
        CoordinatorResult<Runnable> joined = classic.join(request, version, clientId, clientHost, response);
        records.addAll(joined.records());
        return new CoordinatorResult<>(records, joined.response());
    }

    /** SyncGroup, of a classic group or of a classic member of a consumer group. */
    public CoordinatorResult<Runnable> syncGroup(SyncGroupRequestData request, short version,
                                                 CompletableFuture<SyncGroupResponseData> response) {
        ConsumerGroup group = registry.get(request.groupId(), ConsumerGroup.class);
        if (group == null) {
            return classic.sync(request, version, response);
        }
        SyncGroupResponseData answer = consumer.classicMembers().sync(group, request);
        return new CoordinatorResult<>(List.of(), () -> response.complete(answer));
    }

    /** Heartbeat (classic protocol), of a classic group or of a classic member of a consumer group. */
    public CoordinatorResult<HeartbeatResponseData> heartbeat(HeartbeatRequestData request) {
        ConsumerGroup group = registry.get(request.groupId(), ConsumerGroup.class);
        return group == null ? classic.heartbeat(request)
                : CoordinatorResult.of(consumer.classicMembers().heartbeat(group, request));
    }

    /** LeaveGroup, of a classic group or of classic members of a consumer group. */
    public CoordinatorResult<LeaveGroupResponseData> leaveGroup(LeaveGroupRequestData request, short version) {
        ConsumerGroup group = registry.get(request.groupId(), ConsumerGroup.class);
        return group == null ? classic.leave(request, version)
                : consumer.classicMembers().leave(group, request, version);
    }

    /** OffsetCommit for topics and partitions that exist (the broker answered the others). */
    public CoordinatorResult<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request) {
        return offsets.commit(request, commitError(request.groupId(), request.generationIdOrMemberEpoch(),
                group -> group.validateOffsetCommit(request.memberId(), request.groupInstanceId(),
                        request.generationIdOrMemberEpoch())));
    }

    /**
     * TxnOffsetCommit for topics and partitions that exist (the broker answered the others). An
     * unknown group accepts commits with generation -1 only and is created (as a group that only
     * has offsets) by the replay; a group's member is checked by {@link Group#validateTxnOffsetCommit}.
     * The records must be appended in the request's producer transaction
     * ({@link io.runnel.coordinator.runtime.CoordinatorRuntime#transactionalWrite}).
     */
    public CoordinatorResult<TxnOffsetCommitResponseData> txnOffsetCommit(TxnOffsetCommitRequestData request) {
        return offsets.commitTransactional(request, commitError(request.groupId(), request.generationIdOrMemberEpoch(),
                group -> group.validateTxnOffsetCommit(request.memberId(), request.groupInstanceId(),
                        request.generationIdOrMemberEpoch())));
    }

    /**
     * The group-level error of an offset commit: an unknown group accepts commits from outside a
     * group only (generation below 0), and is created by the commit's replay; a known group's
     * member is checked by {@code memberCheck}.
     */
    private Errors commitError(String groupId, int generation, Function<Group, Errors> memberCheck) {
        Group group = registry.get(groupId);
        if (!Group.isValidGroupId(groupId)) {
            return Errors.INVALID_GROUP_ID;
        }
        if (group == null) {
            return generation < 0 ? Errors.NONE : Errors.ILLEGAL_GENERATION;
        }
        return memberCheck.apply(group);
    }

    /** OffsetFetch of one group; {@code requireStable} as the request's {@code require_stable} (v7+). */
    public OffsetFetchResponseGroup fetchOffsets(OffsetFetchRequestGroup request, boolean requireStable) {
        Group group = registry.get(request.groupId());
        if (group != null && request.memberId() != null) {
            Errors error = group.validateOffsetFetch(request.memberId(), request.memberEpoch());
            if (error != Errors.NONE) {
                return new OffsetFetchResponseGroup().setGroupId(request.groupId()).setErrorCode(error.code());
            }
        }
        return offsets.fetch(request, requireStable);
    }

    public CoordinatorResult<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        if (!Group.isValidGroupId(request.groupId())) {
            return CoordinatorResult.of(new OffsetDeleteResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code()));
        }
        Group group = registry.get(request.groupId());
        if (group == null) {
            return CoordinatorResult.of(new OffsetDeleteResponseData().setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()));
        }
        return offsets.delete(request, group);
    }

    /** DeleteGroups: an empty group goes with its offsets (tombstones for both). */
    public CoordinatorResult<List<DeletableGroupResult>> deleteGroups(List<String> groupIds) {
        List<CoordinatorRecord> records = new ArrayList<>();
        List<DeletableGroupResult> results = new ArrayList<>();
        for (String groupId : groupIds) {
            Group group = registry.get(groupId);
            Errors error = !Group.isValidGroupId(groupId) ? Errors.INVALID_GROUP_ID
                    : group == null ? Errors.GROUP_ID_NOT_FOUND : group.validateDeleteGroup();
            if (error == Errors.NONE) {
                records.addAll(offsets.deleteAll(groupId));
                records.addAll(group.deletionRecords());
            }
            results.add(new DeletableGroupResult().setGroupId(groupId).setErrorCode(error.code()));
        }
        return new CoordinatorResult<>(records, results);
    }

    /**
     * ListGroups' entries of this shard. Filters: state names and group types, case-insensitive;
     * an empty filter matches all.
     */
    public List<ListedGroup> listGroups(Set<String> statesFilter, Set<String> typesFilter) {
        List<ListedGroup> listed = new ArrayList<>();
        for (Group group : registry.all()) {
            String type = group.type().toString();
            if (matches(statesFilter, group.stateName()) && matches(typesFilter, type)) {
                listed.add(new ListedGroup().setGroupId(group.groupId()).setProtocolType(group.protocolType())
                        .setGroupState(group.stateName()).setGroupType(type));
            }
        }
        return listed;
    }

    /** The group under {@code groupId} if it is a classic group, else null. */
    public ClassicGroup classicGroup(String groupId) {
        return registry.get(groupId, ClassicGroup.class);
    }

    private void scheduleExpiry() {
        timer.schedule(EXPIRY_TIMER, config.offsetsRetentionCheckMs(), () -> {
            scheduleExpiry();
            return new CoordinatorResult<>(expiredOffsetRecords(), null);
        });
    }

    /**
     * Tombstones for expired offsets, and for empty groups left without offsets (Kafka's
     * cleanup: a group with no members and no offsets is deleted).
     */
    List<CoordinatorRecord> expiredOffsetRecords() {
        List<CoordinatorRecord> records = new ArrayList<>();
        for (String groupId : offsets.groupIds()) {
            Group group = registry.get(groupId);
            OffsetStore.ExpiredOffsets expired = offsets.expire(groupId, group);
            records.addAll(expired.tombstones());
            if (expired.allExpired() && group != null && deletable(group)) {
                records.addAll(group.deletionRecords());
            }
        }
        for (Group group : registry.all()) {
            if (!offsets.hasOffsets(group.groupId()) && !offsets.hasPendingOffsets(group.groupId())
                    && deletable(group)) {
                records.addAll(group.deletionRecords());
            }
        }
        if (!records.isEmpty()) {
            log.info("Expiring {} committed offsets and groups", records.size());
        }
        return records;
    }

    private static boolean deletable(Group group) {
        return group.isEmpty() && group.validateDeleteGroup() == Errors.NONE;
    }

    private static boolean matches(Set<String> filter, String value) {
        if (filter.isEmpty()) {
            return true;
        }
        for (String f : filter) {
            if (f.toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }
}
