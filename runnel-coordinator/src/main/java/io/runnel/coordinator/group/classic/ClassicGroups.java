package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.ClassicProtocol;
import io.runnel.coordinator.group.Group;
import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.GroupRegistry;
import io.runnel.coordinator.group.MigratingMember;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorTimer;
import org.apache.kafka.common.Uuid;
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
import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The classic group protocol of one shard: JoinGroup, SyncGroup, Heartbeat and LeaveGroup over
 * the {@link ClassicGroup}s of the registry, with Kafka's semantics: generations, KIP-394 member
 * ids (v4+ JoinGroup without a member id gets MEMBER_ID_REQUIRED), static membership (KIP-345:
 * a known group.instance.id replaces the old member id, the old one is fenced), session and
 * rebalance timeouts, the delayed first rebalance of an empty group, {@code group.max.size}.
 *
 * <p>JoinGroup and SyncGroup answers may wait for other members: their futures are kept on the
 * member and completed on the shard's thread. Each operation returns records plus a completion
 * to run once the records commit (it completes the futures that need the commit).
 *
 * <p>Thread-safety: confined to the shard's thread.
 */
public final class ClassicGroups {
    private static final Runnable NOTHING = () -> { };

    private final GroupRegistry registry;
    private final GroupConfig config;
    private final Time time;
    private final CoordinatorTimer timer;
    private final ClassicRebalances rebalances;
    /** False while the partition is replayed on election; snapshots then replace groups. */
    private boolean loaded;

    public ClassicGroups(GroupRegistry registry, GroupConfig config, Time time, CoordinatorTimer timer) {
        this.registry = registry;
        this.config = config;
        this.time = time;
        this.timer = timer;
        this.rebalances = new ClassicRebalances(registry, config, time, timer);
    }

    /**
     * JoinGroup. The answer goes to {@code response}, at once (errors, MEMBER_ID_REQUIRED, a
     * member rejoining a stable group unchanged) or when the rebalance completes.
     */
    public CoordinatorResult<Runnable> join(JoinGroupRequestData request, short version, String clientId, String clientHost,
                                            CompletableFuture<JoinGroupResponseData> response) {
        String groupId = request.groupId();
        String memberId = request.memberId();
        Errors invalid = validateJoin(request);
        if (invalid != Errors.NONE) {
            return answer(response, ClassicResponses.joinError(memberId, invalid));
        }
        Group existing = registry.get(groupId);
        if (existing != null && !(existing instanceof ClassicGroup)) {
            return answer(response, ClassicResponses.joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
        ClassicGroup group = (ClassicGroup) existing;
        boolean created = group == null;
        if (created) {
            if (!memberId.isEmpty()) {
                return answer(response, ClassicResponses.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
            }
            group = new ClassicGroup(groupId, time.milliseconds());
            registry.put(group);
        }
        if (group.state == ClassicGroupState.DEAD) {
            return answer(response, ClassicResponses.joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
        }
        List<ClassicProtocol> protocols = new ArrayList<>();
        request.protocols().forEach(p -> protocols.add(new ClassicProtocol(p.name(), p.metadata())));
        if (!group.supportsProtocols(request.protocolType(), protocols)) {
            if (created) {
                registry.remove(groupId);
            }
            return answer(response, ClassicResponses.joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        if (memberId.isEmpty()) {
            joinNewMember(group, request, version, clientId, clientHost, protocols, response, records);
        } else {
            joinKnownMember(group, request, clientId, clientHost, protocols, response, records);
        }
        if (created && group.isEmpty() && group.state == ClassicGroupState.EMPTY) {
            registry.remove(groupId); // a first join that failed leaves nothing behind
        }
        return new CoordinatorResult<>(records, NOTHING);
    }

    /** The checks of a JoinGroup before any group is looked at: INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT or NONE. */
    public Errors validateJoin(JoinGroupRequestData request) {
        if (!Group.isValidGroupId(request.groupId())) {
            return Errors.INVALID_GROUP_ID;
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return Errors.INVALID_SESSION_TIMEOUT;
        }
        return Errors.NONE;
    }

    private void joinNewMember(ClassicGroup group, JoinGroupRequestData request, short version, String clientId,
                               String clientHost, List<ClassicProtocol> protocols,
                               CompletableFuture<JoinGroupResponseData> response, List<CoordinatorRecord> records) {
        String instanceId = request.groupInstanceId();
        String newMemberId = (instanceId != null ? instanceId : clientId) + "-" + Uuid.randomUuid();
        String oldStaticId = group.staticMemberId(instanceId);
        if (oldStaticId != null) {
            replaceStaticMember(group, oldStaticId, newMemberId, request, version, protocols, response, records);
            return;
        }
        if (group.members.size() + group.pendingMembers.size() >= config.maxGroupSize()) {
            response.complete(ClassicResponses.joinError("", Errors.GROUP_MAX_SIZE_REACHED));
            return;
        }
        if (instanceId == null && version >= 4) {
            group.pendingMembers.add(newMemberId);
            String pendingKey = ClassicRebalances.pendingKey(group.groupId(), newMemberId);
            timer.schedule(pendingKey, request.sessionTimeoutMs(), () -> {
                group.pendingMembers.remove(newMemberId);
                return new CoordinatorResult<>(rebalances.maybeCompleteJoin(group), null);
            });
            response.complete(ClassicResponses.joinError(newMemberId, Errors.MEMBER_ID_REQUIRED));
            return;
        }
        addMemberAndRebalance(group, newMemberId, request, clientId, clientHost, protocols, response, records);
    }

    private void joinKnownMember(ClassicGroup group, JoinGroupRequestData request, String clientId, String clientHost,
                                 List<ClassicProtocol> protocols, CompletableFuture<JoinGroupResponseData> response,
                                 List<CoordinatorRecord> records) {
        String memberId = request.memberId();
        if (group.pendingMembers.remove(memberId)) {
            timer.cancel(ClassicRebalances.pendingKey(group.groupId(), memberId));
            if (group.members.size() >= config.maxGroupSize()) {
                response.complete(ClassicResponses.joinError(memberId, Errors.GROUP_MAX_SIZE_REACHED));
                return;
            }
            addMemberAndRebalance(group, memberId, request, clientId, clientHost,
                    protocols, response, records);
            return;
        }
        Errors memberError = group.validateMember(memberId, request.groupInstanceId());
        if (memberError != Errors.NONE) {
            response.complete(ClassicResponses.joinError(memberId, memberError));
            return;
        }
        ClassicMember member = group.members.get(memberId);
        switch (group.state) {
            case PREPARING_REBALANCE -> {
                updateMember(group, member, request, protocols, response);
                records.addAll(rebalances.maybeCompleteJoin(group));
            }
            case COMPLETING_REBALANCE, STABLE -> {
                boolean unchanged = member.sameProtocols(protocols);
                boolean leaderInStable = group.state == ClassicGroupState.STABLE && memberId.equals(group.leaderId);
                if (unchanged && !leaderInStable) {
                    response.complete(ClassicResponses.joinResponse(group, member, group.state == ClassicGroupState.COMPLETING_REBALANCE
                            && memberId.equals(group.leaderId)));
                } else {
                    updateMember(group, member, request, protocols, response);
                    records.addAll(rebalances.prepareRebalance(group));
                }
            }
            default -> response.complete(ClassicResponses.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, JoinGroupRequestData request, String clientId,
                                       String clientHost, List<ClassicProtocol> protocols,
                                       CompletableFuture<JoinGroupResponseData> response, List<CoordinatorRecord> records) {
        ClassicMember member = new ClassicMember(memberId, request.groupInstanceId(), clientId, clientHost,
                request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), protocols);
        member.joinFuture = response;
        group.members.put(memberId, member);
        if (member.isStatic()) {
            group.staticMembers.put(member.groupInstanceId, memberId);
        }
        if (group.protocolType == null) {
            group.protocolType = request.protocolType();
        }
        group.newMemberJoinedDuringDelay = true;
        rebalances.scheduleHeartbeat(group, member);
        if (group.state == ClassicGroupState.PREPARING_REBALANCE) {
            records.addAll(rebalances.maybeCompleteJoin(group));
        } else {
            records.addAll(rebalances.prepareRebalance(group));
        }
    }

    private void updateMember(ClassicGroup group, ClassicMember member, JoinGroupRequestData request,
                              List<ClassicProtocol> protocols, CompletableFuture<JoinGroupResponseData> response) {
        member.protocols = protocols;
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        member.sessionTimeoutMs = request.sessionTimeoutMs();
        if (member.joinFuture != null && member.joinFuture != response) {
            member.joinFuture.complete(ClassicResponses.joinError(member.memberId, Errors.UNKNOWN_MEMBER_ID)); // superseded by a retry
        }
        member.joinFuture = response;
        rebalances.scheduleHeartbeat(group, member);
    }

    /** KIP-345: a static member rejoined without its member id; the new id replaces (and fences) the old one. */
    private void replaceStaticMember(ClassicGroup group, String oldMemberId, String newMemberId, JoinGroupRequestData request,
                                     short version, List<ClassicProtocol> protocols, CompletableFuture<JoinGroupResponseData> response,
                                     List<CoordinatorRecord> records) {
        ClassicMember old = group.members.remove(oldMemberId);
        timer.cancel(ClassicRebalances.heartbeatKey(group.groupId(), oldMemberId));
        if (old.joinFuture != null) {
            old.joinFuture.complete(ClassicResponses.joinError(oldMemberId, Errors.FENCED_INSTANCE_ID));
        }
        if (old.syncFuture != null) {
            old.syncFuture.complete(ClassicResponses.syncError(Errors.FENCED_INSTANCE_ID));
        }
        ClassicMember member = new ClassicMember(newMemberId, old.groupInstanceId, old.clientId, old.clientHost,
                request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), protocols);
        member.assignment = old.assignment;
        group.members.put(newMemberId, member);
        group.staticMembers.put(member.groupInstanceId, newMemberId);
        if (oldMemberId.equals(group.leaderId)) {
            group.leaderId = newMemberId;
        }
        if (group.pendingSync.remove(oldMemberId)) {
            group.pendingSync.add(newMemberId);
        }
        rebalances.scheduleHeartbeat(group, member);
        if (group.state == ClassicGroupState.STABLE && old.sameProtocols(protocols)) {
            // Nothing changed for the group: the member gets its generation back and keeps its
            // assignment. A static leader gets the members; from v9 it is told to skip assigning
            // (before, whatever it sends in SyncGroup is ignored: the group is Stable).
            records.add(ClassicGroupRecords.snapshot(group));
            boolean leader = newMemberId.equals(group.leaderId);
            response.complete(ClassicResponses.joinResponse(group, member, leader)
                    .setSkipAssignment(leader && version >= 9));
        } else {
            member.joinFuture = response;
            records.addAll(group.state == ClassicGroupState.PREPARING_REBALANCE ? rebalances.maybeCompleteJoin(group)
                    : rebalances.prepareRebalance(group));
        }
    }

    /** SyncGroup. The completion answers this member (and, for the leader, the others) after the commit. */
    public CoordinatorResult<Runnable> sync(SyncGroupRequestData request, short version,
                                            CompletableFuture<SyncGroupResponseData> response) {
        ClassicGroup group = registry.get(request.groupId(), ClassicGroup.class);
        if (group == null || group.state == ClassicGroupState.DEAD) {
            return answer(response, ClassicResponses.syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        Errors error = group.validateMember(request.memberId(), request.groupInstanceId());
        if (error == Errors.NONE && request.generationId() != group.generationId) {
            error = Errors.ILLEGAL_GENERATION;
        }
        if (error == Errors.NONE && version >= 5 && (mismatch(request.protocolType(), group.protocolType)
                || mismatch(request.protocolName(), group.protocolName))) {
            error = Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        if (error != Errors.NONE) {
            return answer(response, ClassicResponses.syncError(error));
        }
        ClassicMember member = group.members.get(request.memberId());
        switch (group.state) {
            case PREPARING_REBALANCE -> {
                return answer(response, ClassicResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
            }
            case STABLE -> {
                group.pendingSync.remove(member.memberId);
                rebalances.scheduleHeartbeat(group, member);
                return answer(response, ClassicResponses.syncResponse(group, member));
            }
            case COMPLETING_REBALANCE -> {
                group.pendingSync.remove(member.memberId);
                rebalances.scheduleHeartbeat(group, member);
                member.syncFuture = response;
                if (!member.memberId.equals(group.leaderId)) {
                    return new CoordinatorResult<>(List.of(), NOTHING);
                }
                return completeSync(group, request);
            }
            default -> {
                return answer(response, ClassicResponses.syncError(Errors.UNKNOWN_MEMBER_ID));
            }
        }
    }

    /** The leader's assignment: the group becomes Stable; members waiting for it are answered once it commits. */
    private CoordinatorResult<Runnable> completeSync(ClassicGroup group, SyncGroupRequestData request) {
        Map<String, byte[]> assignments = new HashMap<>();
        request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        for (ClassicMember m : group.members.values()) {
            m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
        }
        group.transitionTo(ClassicGroupState.STABLE, time.milliseconds());
        List<Runnable> answers = new ArrayList<>();
        for (ClassicMember m : group.members.values()) {
            if (m.syncFuture != null) {
                CompletableFuture<SyncGroupResponseData> future = m.syncFuture;
                SyncGroupResponseData answer = ClassicResponses.syncResponse(group, m);
                answers.add(() -> future.complete(answer));
                m.syncFuture = null;
            }
        }
        return new CoordinatorResult<>(List.of(ClassicGroupRecords.snapshot(group)), () -> answers.forEach(Runnable::run));
    }

    public CoordinatorResult<HeartbeatResponseData> heartbeat(HeartbeatRequestData request) {
        ClassicGroup group = registry.get(request.groupId(), ClassicGroup.class);
        Errors error;
        if (group == null || group.state == ClassicGroupState.DEAD) {
            error = Errors.UNKNOWN_MEMBER_ID;
        } else {
            error = group.validateMember(request.memberId(), request.groupInstanceId());
            if (error == Errors.NONE && request.generationId() != group.generationId) {
                error = Errors.ILLEGAL_GENERATION;
            }
            if (error == Errors.NONE) {
                switch (group.state) {
                    case EMPTY -> error = Errors.UNKNOWN_MEMBER_ID;
                    case PREPARING_REBALANCE -> {
                        rebalances.scheduleHeartbeat(group, group.members.get(request.memberId()));
                        error = Errors.REBALANCE_IN_PROGRESS;
                    }
                    default -> rebalances.scheduleHeartbeat(group, group.members.get(request.memberId()));
                }
            }
        }
        return CoordinatorResult.of(new HeartbeatResponseData().setErrorCode(error.code()));
    }

    /** LeaveGroup: one member (v0-2) or a batch of members by id or group.instance.id (v3+). */
    public CoordinatorResult<LeaveGroupResponseData> leave(LeaveGroupRequestData request, short version) {
        List<MemberIdentity> leaving = version >= 3 ? request.members()
                : List.of(new MemberIdentity().setMemberId(request.memberId()));
        ClassicGroup group = registry.get(request.groupId(), ClassicGroup.class);
        LeaveGroupResponseData response = new LeaveGroupResponseData();
        if (group == null || group.state == ClassicGroupState.DEAD) {
            return CoordinatorResult.of(response.setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        for (MemberIdentity identity : leaving) {
            Errors error = leaveOne(group, identity, records);
            response.members().add(new MemberResponse().setMemberId(identity.memberId())
                    .setGroupInstanceId(identity.groupInstanceId()).setErrorCode(error.code()));
        }
        if (version < 3) {
            response.setErrorCode(response.members().get(0).errorCode());
            response.members().clear();
        }
        return new CoordinatorResult<>(records, response);
    }

    private Errors leaveOne(ClassicGroup group, MemberIdentity identity, List<CoordinatorRecord> records) {
        String memberId = identity.memberId();
        if (identity.groupInstanceId() != null) {
            String current = group.staticMemberId(identity.groupInstanceId());
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !memberId.equals(current)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            memberId = current;
        } else if (group.pendingMembers.remove(memberId)) {
            timer.cancel(ClassicRebalances.pendingKey(group.groupId(), memberId));
            records.addAll(rebalances.maybeCompleteJoin(group));
            return Errors.NONE;
        }
        if (!group.members.containsKey(memberId)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        records.addAll(rebalances.removeMember(group, memberId, Errors.UNKNOWN_MEMBER_ID));
        return Errors.NONE;
    }

    /**
     * Hands a classic group over to a consumer group (online upgrade): members waiting in
     * JoinGroup or SyncGroup are told to rejoin (REBALANCE_IN_PROGRESS), which they will do as
     * classic members of the consumer group, and the group's timers stop.
     *
     * @return the group's tombstone, to lead the consumer group's records
     */
    public List<CoordinatorRecord> handOver(ClassicGroup group) {
        for (ClassicMember m : group.members.values()) {
            if (m.joinFuture != null) {
                m.joinFuture.complete(ClassicResponses.joinError(m.memberId, Errors.REBALANCE_IN_PROGRESS));
                m.joinFuture = null;
            }
            if (m.syncFuture != null) {
                m.syncFuture.complete(ClassicResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
                m.syncFuture = null;
            }
            timer.cancel(ClassicRebalances.heartbeatKey(group.groupId(), m.memberId));
        }
        group.pendingMembers.forEach(id -> timer.cancel(ClassicRebalances.pendingKey(group.groupId(), id)));
        timer.cancel(ClassicRebalances.joinKey(group.groupId()));
        timer.cancel(ClassicRebalances.syncKey(group.groupId()));
        return group.deletionRecords();
    }

    /** Whether a classic group may have {@code members} members ({@code group.max.size}). */
    public boolean admits(int members) {
        return members <= config.maxGroupSize();
    }

    /**
     * Takes over the members of a consumer group whose last consumer-protocol member has left
     * (online downgrade): the classic group starts Stable in generation {@code generationId} with
     * the members' assignments, and at once prepares a rebalance, so that the members rejoin and
     * their leader assigns. The group is registered here; the consumer group must be gone from
     * the registry already, and its tombstones must precede the returned records.
     *
     * @return the records of the new group (its snapshot, and the rebalance's)
     */
    public List<CoordinatorRecord> takeOver(String groupId, int generationId, List<MigratingMember> migrating) {
        ClassicGroup group = new ClassicGroup(groupId, time.milliseconds());
        group.protocolType = ClassicGroup.CONSUMER_PROTOCOL_TYPE;
        group.generationId = generationId;
        for (MigratingMember m : migrating) {
            ClassicMember member = new ClassicMember(m.memberId(), m.instanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), m.protocols());
            member.assignment = m.assignment();
            group.members.put(member.memberId, member);
            if (member.isStatic()) {
                group.staticMembers.put(member.groupInstanceId, member.memberId);
            }
        }
        group.protocolName = group.selectProtocol();
        group.leaderId = group.members.keySet().iterator().next();
        group.transitionTo(ClassicGroupState.STABLE, time.milliseconds());
        registry.put(group);
        group.members.values().forEach(m -> rebalances.scheduleHeartbeat(group, m));
        List<CoordinatorRecord> records = new ArrayList<>();
        records.add(ClassicGroupRecords.snapshot(group));
        records.addAll(rebalances.prepareRebalance(group));
        return records;
    }

    /** Restarts session timers after a load: loaded members get a full session to heartbeat. */
    public void onLoaded() {
        loaded = true;
        for (Group g : registry.all()) {
            if (g instanceof ClassicGroup group) {
                group.members.values().forEach(m -> rebalances.scheduleHeartbeat(group, m));
            }
        }
    }

    /** The partition moved away: members waiting for an answer are told to find the new coordinator. */
    public void onUnloaded() {
        for (Group g : registry.all()) {
            if (g instanceof ClassicGroup group) {
                for (ClassicMember m : group.members.values()) {
                    if (m.joinFuture != null) {
                        m.joinFuture.complete(ClassicResponses.joinError(m.memberId, Errors.NOT_COORDINATOR));
                    }
                    if (m.syncFuture != null) {
                        m.syncFuture.complete(ClassicResponses.syncError(Errors.NOT_COORDINATOR));
                    }
                }
            }
        }
    }

    /** Applies a type 2 record: restores a group on load; a tombstone deletes an empty group. */
    public void replay(CoordinatorRecord record) {
        String groupId = ClassicGroupRecords.groupIdOf(record.key());
        Group existing = registry.get(groupId);
        if (record.isTombstone()) {
            if (existing instanceof ClassicGroup group) {
                group.transitionTo(ClassicGroupState.DEAD, time.milliseconds());
                registry.remove(groupId);
            }
            return;
        }
        // A live group is ahead of its own snapshot: only a load (or a group unknown here) takes it.
        if (existing == null || !loaded && existing instanceof ClassicGroup) {
            registry.put(ClassicGroupRecords.read(groupId, record.value()));
        }
    }

    /** A group that only commits offsets (assign() or admin): created Empty with no protocol. */
    public void ensureGroup(String groupId) {
        if (registry.get(groupId) == null) {
            registry.put(new ClassicGroup(groupId, time.milliseconds()));
        }
    }

    /** v5+ SyncGroup may name the protocol type and name; a named one must match the group's. */
    private static boolean mismatch(String requested, String actual) {
        return requested != null && !requested.equals(actual);
    }

    private static <T> CoordinatorResult<Runnable> answer(CompletableFuture<T> future, T response) {
        return new CoordinatorResult<>(List.of(), () -> future.complete(response));
    }
}
