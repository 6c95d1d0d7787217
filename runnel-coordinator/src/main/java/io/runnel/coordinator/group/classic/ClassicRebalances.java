package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.GroupRegistry;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorTimer;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The rebalance lifecycle of classic groups: PreparingRebalance (waiting for members to rejoin,
 * or the delayed first rebalance), the next generation (CompletingRebalance, answers to the
 * waiting joins), the SyncGroup deadline (KIP-814), and member sessions. Timers are keyed by
 * group (and member) so a newer schedule replaces an older one.
 *
 * <p>Thread-safety: confined to the shard's thread.
 */
final class ClassicRebalances {
    private final GroupRegistry registry;
    private final GroupConfig config;
    private final Time time;
    private final CoordinatorTimer timer;

    ClassicRebalances(GroupRegistry registry, GroupConfig config, Time time, CoordinatorTimer timer) {
        this.registry = registry;
        this.config = config;
        this.time = time;
        this.timer = timer;
    }

    /** Removes a member (it left or its session expired) and rebalances what remains. */
    List<CoordinatorRecord> removeMember(ClassicGroup group, String memberId, Errors answerPending) {
        ClassicMember member = group.members.remove(memberId);
        timer.cancel(heartbeatKey(group.groupId(), memberId));
        if (member.isStatic()) {
            group.staticMembers.remove(member.groupInstanceId);
        }
        group.pendingSync.remove(memberId);
        if (member.joinFuture != null) {
            member.joinFuture.complete(ClassicResponses.joinError(memberId, answerPending));
        }
        if (member.syncFuture != null) {
            member.syncFuture.complete(ClassicResponses.syncError(answerPending));
        }
        return switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group);
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            default -> List.of();
        };
    }

    List<CoordinatorRecord> prepareRebalance(ClassicGroup group) {
        if (group.state == ClassicGroupState.COMPLETING_REBALANCE) {
            for (ClassicMember m : group.members.values()) {
                m.assignment = new byte[0];
                if (m.syncFuture != null) {
                    m.syncFuture.complete(ClassicResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
                    m.syncFuture = null;
                }
            }
        }
        timer.cancel(syncKey(group.groupId()));
        group.pendingSync.clear();
        boolean initial = group.state == ClassicGroupState.EMPTY && config.initialRebalanceDelayMs() > 0;
        group.transitionTo(ClassicGroupState.PREPARING_REBALANCE, time.milliseconds());
        int rebalanceTimeout = group.rebalanceTimeoutMs();
        if (initial) {
            group.initialDelayRemainingMs = Math.max(0, rebalanceTimeout - config.initialRebalanceDelayMs());
            group.newMemberJoinedDuringDelay = false;
            timer.schedule(joinKey(group.groupId()), Math.min(config.initialRebalanceDelayMs(), rebalanceTimeout),
                    () -> new CoordinatorResult<>(onInitialDelayExpired(group), null));
            return List.of();
        }
        group.initialDelayRemainingMs = -1;
        timer.schedule(joinKey(group.groupId()), rebalanceTimeout, () -> new CoordinatorResult<>(completeJoin(group), null));
        return maybeCompleteJoin(group);
    }

    /** Kafka's InitialDelayedJoin: keep waiting while members keep arriving, up to the rebalance timeout. */
    private List<CoordinatorRecord> onInitialDelayExpired(ClassicGroup group) {
        if (group.newMemberJoinedDuringDelay && group.initialDelayRemainingMs > 0) {
            long delay = Math.min(config.initialRebalanceDelayMs(), group.initialDelayRemainingMs);
            group.initialDelayRemainingMs -= delay;
            group.newMemberJoinedDuringDelay = false;
            timer.schedule(joinKey(group.groupId()), delay, () -> new CoordinatorResult<>(onInitialDelayExpired(group), null));
            return List.of();
        }
        group.initialDelayRemainingMs = -1;
        return completeJoin(group);
    }

    List<CoordinatorRecord> maybeCompleteJoin(ClassicGroup group) {
        if (group.state != ClassicGroupState.PREPARING_REBALANCE || group.initialDelayRemainingMs >= 0
                || !group.pendingMembers.isEmpty()) {
            return List.of();
        }
        for (ClassicMember m : group.members.values()) {
            if (!m.isAwaitingJoin()) {
                return List.of();
            }
        }
        timer.cancel(joinKey(group.groupId()));
        return completeJoin(group);
    }

    /** Ends the join phase: members that did not rejoin are dropped and the next generation starts. */
    private List<CoordinatorRecord> completeJoin(ClassicGroup group) {
        if (group.state != ClassicGroupState.PREPARING_REBALANCE) {
            return List.of();
        }
        for (ClassicMember m : List.copyOf(group.members.values())) {
            if (!m.isAwaitingJoin()) {
                group.members.remove(m.memberId);
                timer.cancel(heartbeatKey(group.groupId(), m.memberId));
                if (m.isStatic()) {
                    group.staticMembers.remove(m.groupInstanceId);
                }
            }
        }
        group.pendingMembers.forEach(id -> timer.cancel(pendingKey(group.groupId(), id)));
        group.pendingMembers.clear();
        group.generationId++;
        long now = time.milliseconds();
        if (group.members.isEmpty()) {
            group.protocolName = null;
            group.leaderId = null;
            group.transitionTo(ClassicGroupState.EMPTY, now);
            return List.of(ClassicGroupRecords.snapshot(group));
        }
        group.protocolName = group.selectProtocol();
        if (group.leaderId == null || !group.members.containsKey(group.leaderId)) {
            group.leaderId = group.members.keySet().iterator().next();
        }
        group.transitionTo(ClassicGroupState.COMPLETING_REBALANCE, now);
        for (ClassicMember m : group.members.values()) {
            CompletableFuture<JoinGroupResponseData> future = m.joinFuture;
            m.joinFuture = null;
            group.pendingSync.add(m.memberId);
            scheduleHeartbeat(group, m);
            future.complete(ClassicResponses.joinResponse(group, m, m.memberId.equals(group.leaderId)));
        }
        int generation = group.generationId;
        timer.schedule(syncKey(group.groupId()), group.rebalanceTimeoutMs(), () -> onSyncExpired(group, generation));
        return List.of();
    }

    /** Members that did not send SyncGroup within the rebalance timeout are removed (KIP-814). */
    private CoordinatorResult<Void> onSyncExpired(ClassicGroup group, int generation) {
        if (group.generationId != generation || group.pendingSync.isEmpty()
                || group.state != ClassicGroupState.COMPLETING_REBALANCE && group.state != ClassicGroupState.STABLE) {
            return CoordinatorResult.of(null);
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        for (String memberId : List.copyOf(group.pendingSync)) {
            if (group.members.containsKey(memberId)) {
                records.addAll(removeMember(group, memberId, Errors.REBALANCE_IN_PROGRESS));
            }
        }
        return new CoordinatorResult<>(records, null);
    }

    void scheduleHeartbeat(ClassicGroup group, ClassicMember member) {
        String memberId = member.memberId;
        timer.schedule(heartbeatKey(group.groupId(), memberId), member.sessionTimeoutMs, () -> {
            ClassicMember current = group.members.get(memberId);
            if (current == null || registry.get(group.groupId()) != group) {
                return CoordinatorResult.of(null);
            }
            if (current.isAwaitingJoin()) {
                scheduleHeartbeat(group, current); // a member parked in JoinGroup is alive
                return CoordinatorResult.of(null);
            }
            return new CoordinatorResult<>(removeMember(group, memberId, Errors.UNKNOWN_MEMBER_ID), null);
        });
    }

    static String joinKey(String groupId) {
        return "join-" + groupId;
    }

    static String syncKey(String groupId) {
        return "sync-" + groupId;
    }

    static String heartbeatKey(String groupId, String memberId) {
        return "heartbeat-" + groupId + "-" + memberId;
    }

    static String pendingKey(String groupId, String memberId) {
        return "pending-" + groupId + "-" + memberId;
    }
}
