package io.runnel.coordinator.group.consumer;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every refused heartbeat gets Kafka's error code and writes nothing. */
class HeartbeatErrorsTest {

    private static final String GROUP = "g";

    private final TestShard shard = new TestShard();

    private ConsumerGroupHeartbeatRequestData join(String memberId) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP).setMemberId(memberId).setMemberEpoch(0)
                .setRebalanceTimeoutMs(1000).setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of());
    }

    private Errors refusedWithoutRecords(ConsumerGroupHeartbeatRequestData request, HeartbeatContext context) {
        int before = shard.log.size();
        ConsumerGroupHeartbeatResponseData response = shard.heartbeat(request, context);
        if (response.errorCode() != 0) {
            assertThat(shard.log).hasSize(before);
            assertThat(response.errorMessage()).isNotBlank();
        }
        return Errors.forCode(response.errorCode());
    }

    private Errors refusedWithoutRecords(ConsumerGroupHeartbeatRequestData request) {
        return refusedWithoutRecords(request, TestShard.V1);
    }

    @Test
    void malformedJoinsAreInvalidRequests() {
        assertThat(refusedWithoutRecords(join("m").setRebalanceTimeoutMs(-1))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(refusedWithoutRecords(join("m").setTopicPartitions(null))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(refusedWithoutRecords(join("m").setSubscribedTopicNames(null)))
                .isEqualTo(Errors.INVALID_REQUEST);
        assertThat(refusedWithoutRecords(join("m").setGroupId(""))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(refusedWithoutRecords(join("m").setInstanceId(""))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(refusedWithoutRecords(join("m").setMemberEpoch(-3))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(refusedWithoutRecords(join("m").setMemberEpoch(-2))).as("static leave without instance id")
                .isEqualTo(Errors.INVALID_REQUEST);
    }

    @Test
    void anEmptySubscriptionJoinsWithNothingAssigned() {
        ConsumerGroupHeartbeatResponseData response = shard.heartbeat(join("m").setSubscribedTopicNames(List.of()),
                TestShard.V1);

        assertThat(response.errorCode()).isZero();
        assertThat(response.assignment().topicPartitions()).isEmpty();
        assertThat(shard.groups.group(GROUP).members()).containsOnlyKeys("m");
    }

    @Test
    void memberIdIsTheClientsFromVersion1AndTheServersBefore() {
        assertThat(refusedWithoutRecords(join(""))).isEqualTo(Errors.INVALID_REQUEST);

        ConsumerGroupHeartbeatResponseData v0 = shard.heartbeat(join(""),
                new HeartbeatContext((short) 0, "client", "/127.0.0.1"));

        assertThat(v0.errorCode()).isZero();
        assertThat(v0.memberId()).isEqualTo("generated-1");
        assertThat(shard.groups.group(GROUP).members()).containsOnlyKeys("generated-1");
    }

    @Test
    void unknownAssignorIsUnsupported() {
        assertThat(refusedWithoutRecords(join("m").setServerAssignor("sticky"))).isEqualTo(Errors.UNSUPPORTED_ASSIGNOR);
    }

    @Test
    void heartbeatToUnknownGroupOrMemberIsRefused() {
        ConsumerGroupHeartbeatRequestData heartbeat = new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP)
                .setMemberId("m").setMemberEpoch(1);
        assertThat(refusedWithoutRecords(heartbeat)).isEqualTo(Errors.GROUP_ID_NOT_FOUND);

        shard.heartbeat(join("other"));
        assertThat(refusedWithoutRecords(heartbeat)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(refusedWithoutRecords(heartbeat.setMemberEpoch(-1))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void epochAheadOrBehindIsFencedExceptTheLastEpochWhenOurResponseWasLost() {
        Uuid t = shard.topic("t", 4);
        TestMember m1 = new TestMember(shard, GROUP, "m1");
        m1.join(List.of("t"));
        Map<Uuid, Set<Integer>> ownedAtEpoch1 = m1.owned;
        TestMember m2 = new TestMember(shard, GROUP, "m2");
        m2.join(List.of("t"));
        m1.heartbeat(); // revokes two partitions, still epoch 1
        m1.heartbeat(); // epoch 2
        assertThat(m1.epoch).isEqualTo(2);

        ConsumerGroupHeartbeatRequestData ahead = m1.base().setMemberEpoch(3);
        assertThat(refusedWithoutRecords(ahead)).isEqualTo(Errors.FENCED_MEMBER_EPOCH);
        ConsumerGroupHeartbeatRequestData previousWithOldPartitions = m1.base().setMemberEpoch(1)
                .setTopicPartitions(List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                        .setTopicId(t).setPartitions(List.copyOf(ownedAtEpoch1.get(t)))));
        assertThat(refusedWithoutRecords(previousWithOldPartitions)).isEqualTo(Errors.FENCED_MEMBER_EPOCH);
        ConsumerGroupHeartbeatRequestData previousWithCurrentPartitions = m1.base().setMemberEpoch(1)
                .setTopicPartitions(List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                        .setTopicId(t).setPartitions(List.copyOf(m1.owned.get(t)))));
        ConsumerGroupHeartbeatResponseData accepted = shard.heartbeat(previousWithCurrentPartitions);
        assertThat(accepted.errorCode()).isZero();
        assertThat(accepted.memberEpoch()).isEqualTo(2);
    }

    @Test
    void fullGroupRefusesNewMembersButNotItsOwn() {
        TestShard small = new TestShard(ConsumerGroupSettings.fromConfig(Map.of(ConsumerGroupSettings.MAX_SIZE, "2")));
        new TestMember(small, GROUP, "a").join(List.of("t"));
        TestMember b = new TestMember(small, GROUP, "b");
        b.join(List.of("t"));

        assertThat(new TestMember(small, GROUP, "c").join(List.of("t"))).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED);
        assertThat(b.heartbeat()).isEqualTo(Errors.NONE);
    }
}
