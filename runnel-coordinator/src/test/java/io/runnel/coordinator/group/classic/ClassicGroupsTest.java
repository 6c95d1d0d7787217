package io.runnel.coordinator.group.classic;

import io.runnel.coordinator.group.GroupConfig;
import io.runnel.coordinator.group.GroupCoordinatorShard;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorTimer;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class ClassicGroupsTest {
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 20_000;

    private final ManualTime time = new ManualTime();
    private final Timers timer = new Timers();
    private final List<CoordinatorRecord> log = new ArrayList<>();
    private GroupConfig config = new GroupConfig(60_000, 600_000, 4096, 1000, 60_000, 0, 3);
    private GroupCoordinatorShard shard = newShard();

    @Test
    void aFirstJoinGetsMemberIdRequiredThenAJoinCompletesAGeneration() {
        JoinGroupResponseData first = join("", null, "range").join();
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        JoinGroupResponseData joined = join(first.memberId(), null, "range").join();
        assertThat(joined.errorCode()).isZero();
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(first.memberId());
        assertThat(joined.members()).hasSize(1);
        assertThat(joined.protocolName()).isEqualTo("range");
        SyncGroupResponseData synced = sync(joined.memberId(), 1, Map.of(joined.memberId(), new byte[]{7})).join();
        assertThat(synced.assignment()).containsExactly(7);
        assertThat(group().state()).isEqualTo(ClassicGroupState.STABLE);
    }

    @Test
    void aSecondMemberTriggersARebalanceThatWaitsForTheFirstToRejoin() {
        String a = stableMember();
        String b = join("", null, "range").join().memberId();
        CompletableFuture<JoinGroupResponseData> bJoin = join(b, null, "range");
        assertThat(group().state()).isEqualTo(ClassicGroupState.PREPARING_REBALANCE);
        assertThat(bJoin).isNotDone();
        assertThat(heartbeat(a, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinGroupResponseData aJoin = join(a, null, "range").join();
        assertThat(bJoin.join().generationId()).isEqualTo(2);
        assertThat(aJoin.leader()).isEqualTo(a);
        assertThat(aJoin.members()).hasSize(2);
        assertThat(bJoin.join().members()).isEmpty();
        CompletableFuture<SyncGroupResponseData> bSync = sync(b, 2, Map.of());
        assertThat(bSync).isNotDone();
        sync(a, 2, Map.of(a, new byte[]{1}, b, new byte[]{2})).join();
        assertThat(bSync.join().assignment()).containsExactly(2);
        assertThat(heartbeat(b, 2)).isEqualTo(Errors.NONE);
    }

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAfterTheSessionTimeout() {
        String a = stableMember();
        advance(SESSION_MS - 1);
        assertThat(heartbeat(a, 1)).isEqualTo(Errors.NONE);
        advance(SESSION_MS);
        assertThat(heartbeat(a, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(group().state()).isEqualTo(ClassicGroupState.EMPTY);
        assertThat(group().generationId()).isEqualTo(2);
    }

    @Test
    void leaveGroupRemovesMembersByIdAndByInstanceId() {
        String a = stableMember();
        var response = write(s -> s.classic().leave(new LeaveGroupRequestData().setGroupId("g").setMembers(List.of(
                new MemberIdentity().setMemberId(a), new MemberIdentity().setMemberId("nobody"))), (short) 3));
        assertThat(response.members()).extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
        assertThat(group().state()).isEqualTo(ClassicGroupState.EMPTY);
    }

    @Test
    void aStaticMemberRejoiningReplacesItsOldIdWhichIsThenFenced() {
        JoinGroupResponseData joined = join("", "instance-1", "range").join();
        assertThat(joined.errorCode()).isZero(); // static members skip MEMBER_ID_REQUIRED
        String old = joined.memberId();
        sync(old, 1, Map.of(old, new byte[]{5})).join();
        JoinGroupResponseData again = join("", "instance-1", "range").join();
        assertThat(again.errorCode()).isZero();
        assertThat(again.memberId()).isNotEqualTo(old);
        assertThat(again.generationId()).isEqualTo(1); // unchanged protocols: no rebalance
        assertThat(group().state()).isEqualTo(ClassicGroupState.STABLE);
        assertThat(heartbeat(old, 1, "instance-1")).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(sync(again.memberId(), 1, Map.of()).join().assignment()).containsExactly(5);
        assertThat(again.leader()).isEqualTo(again.memberId());
        assertThat(again.skipAssignment()).isTrue(); // the static leader keeps the group's assignment
    }

    @Test
    void theInitialRebalanceDelayWaitsForMoreMembers() {
        config = new GroupConfig(60_000, 600_000, 4096, 1000, 60_000, 3000, 10);
        shard = newShard();
        CompletableFuture<JoinGroupResponseData> a = join(join("", null, "range").join().memberId(), null, "range");
        advance(2000);
        CompletableFuture<JoinGroupResponseData> b = join(join("", null, "range").join().memberId(), null, "range");
        advance(1000);
        assertThat(a).isNotDone(); // a member joined during the delay: wait once more
        advance(3000);
        assertThat(a.join().generationId()).isEqualTo(1);
        assertThat(b.join().generationId()).isEqualTo(1);
        assertThat(a.join().members().size() + b.join().members().size()).isEqualTo(2);
    }

    @Test
    void badJoinsGetKafkasErrors() {
        assertThat(error(joinRequest("", "", null, "range").setGroupId(""))).isEqualTo(Errors.INVALID_GROUP_ID);
        assertThat(error(joinRequest("g".repeat(9000), "", null, "range"))).isEqualTo(Errors.INVALID_GROUP_ID);
        assertThat(error(joinRequest("g", "", null, "range").setSessionTimeoutMs(10))).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(error(joinRequest("g", "unknown", null, "range"))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        stableMember();
        assertThat(error(joinRequest("g", "", null, "sticky").setProtocolType("consumer")))
                .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(sync("m", 1, Map.of()).join().errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(heartbeat(group().members.keySet().iterator().next(), 7)).isEqualTo(Errors.ILLEGAL_GENERATION);
    }

    @Test
    void groupMaxSizeRefusesTheMemberAboveTheLimit() {
        for (int i = 0; i < 3; i++) {
            join(join("", null, "range").join().memberId(), null, "range");
        }
        assertThat(join("", null, "range").join().errorCode()).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED.code());
    }

    @Test
    void aReloadKeepsTheGenerationAndMembersAndCommitsAreValidated() {
        String a = stableMember();
        shard = newShard();
        log.forEach(shard::replay);
        shard.onLoaded();
        assertThat(group().state()).isEqualTo(ClassicGroupState.STABLE);
        assertThat(group().generationId()).isEqualTo(1);
        assertThat(heartbeat(a, 1)).isEqualTo(Errors.NONE);
        assertThat(group().validateOffsetCommit(a, null, 1)).isEqualTo(Errors.NONE);
        assertThat(group().validateOffsetCommit(a, null, 0)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(group().validateOffsetCommit("", null, -1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(group().validateOffsetCommit("x", null, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    private String stableMember() {
        String id = join("", null, "range").join().memberId();
        join(id, null, "range").join();
        sync(id, group().generationId(), Map.of(id, new byte[]{1})).join();
        return id;
    }

    private ClassicGroup group() {
        return shard.classicGroup("g");
    }

    private CompletableFuture<JoinGroupResponseData> join(String memberId, String instanceId, String protocol) {
        return join(joinRequest("g", memberId, instanceId, protocol));
    }

    private CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData request) {
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        write(s -> s.classic().join(request, (short) 9, "client", "/127.0.0.1", response)).run();
        return response;
    }

    private Errors error(JoinGroupRequestData request) {
        return Errors.forCode(join(request).join().errorCode());
    }

    private static JoinGroupRequestData joinRequest(String group, String memberId, String instanceId, String protocol) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName(protocol).setMetadata(new byte[]{1, 2}));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setGroupInstanceId(instanceId)
                .setProtocolType("consumer").setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(REBALANCE_MS)
                .setProtocols(protocols);
    }

    private CompletableFuture<SyncGroupResponseData> sync(String memberId, int generation, Map<String, byte[]> assignments) {
        List<SyncGroupRequestAssignment> list = new ArrayList<>();
        assignments.forEach((m, a) -> list.add(new SyncGroupRequestAssignment().setMemberId(m).setAssignment(a)));
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        write(s -> s.classic().sync(new SyncGroupRequestData().setGroupId("g").setMemberId(memberId)
                .setGenerationId(generation).setAssignments(list), (short) 5, response)).run();
        return response;
    }

    private Errors heartbeat(String memberId, int generation) {
        return heartbeat(memberId, generation, null);
    }

    private Errors heartbeat(String memberId, int generation, String instanceId) {
        return Errors.forCode(write(s -> s.classic().heartbeat(new HeartbeatRequestData().setGroupId("g")
                .setMemberId(memberId).setGenerationId(generation).setGroupInstanceId(instanceId))).errorCode());
    }

    private <T> T write(Function<GroupCoordinatorShard, CoordinatorResult<T>> op) {
        CoordinatorResult<T> result = op.apply(shard);
        log.addAll(result.records());
        result.records().forEach(shard::replay);
        return result.response();
    }

    private void advance(long ms) {
        time.advance(ms);
        Supplier<CoordinatorResult<Void>> op;
        while ((op = timer.nextExpired()) != null) {
            CoordinatorResult<Void> result = op.get();
            log.addAll(result.records());
            result.records().forEach(shard::replay);
        }
    }

    private GroupCoordinatorShard newShard() {
        timer.timers.clear();
        GroupCoordinatorShard s = new GroupCoordinatorShard(config, time, timer);
        s.onLoaded();
        return s;
    }

    /** Timers on the manual clock, run by {@link #advance}. */
    private final class Timers implements CoordinatorTimer {
        final Map<String, Map.Entry<Long, Supplier<CoordinatorResult<Void>>>> timers = new HashMap<>();

        @Override
        public void schedule(String key, long delayMs, Supplier<CoordinatorResult<Void>> operation) {
            timers.put(key, Map.entry(time.milliseconds() + delayMs, operation));
        }

        @Override
        public void cancel(String key) {
            timers.remove(key);
        }

        @Override
        public boolean isScheduled(String key) {
            return timers.containsKey(key);
        }

        Supplier<CoordinatorResult<Void>> nextExpired() {
            return timers.entrySet().stream().filter(e -> e.getValue().getKey() <= time.milliseconds())
                    .min(Map.Entry.comparingByValue(Map.Entry.comparingByKey()))
                    .map(e -> timers.remove(e.getKey()).getValue()).orElse(null);
        }
    }
}
