package io.runnel.coordinator.group.consumer;

import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerGroupsTest {

    private static final String GROUP = "g";

    private final TestShard shard = new TestShard();

    @Test
    void firstMemberGetsEveryPartition() {
        Uuid t = shard.topic("t", 6);
        TestMember m1 = new TestMember(shard, GROUP, "m1");

        assertThat(m1.join(List.of("t"))).isEqualTo(Errors.NONE);

        assertThat(m1.epoch).isEqualTo(1);
        assertThat(m1.ownedOf(t)).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(m1.lastResponse.heartbeatIntervalMs()).isEqualTo(5000);
        assertThat(shard.state(GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void secondMemberGetsPartitionsOnlyAfterTheFirstRevokedThem() {
        Uuid t = shard.topic("t", 6);
        TestMember m1 = new TestMember(shard, GROUP, "m1");
        TestMember m2 = new TestMember(shard, GROUP, "m2");
        m1.join(List.of("t"));

        m2.join(List.of("t"));
        assertThat(m2.epoch).isEqualTo(2);
        assertThat(m2.ownedCount()).as("partitions still owned by m1 are withheld").isZero();
        assertThat(shard.groups.group(GROUP).member("m2").state()).isEqualTo(MemberState.UNRELEASED_PARTITIONS);

        m1.heartbeat();
        assertThat(m1.epoch).as("m1 stays in its epoch until it has revoked").isEqualTo(1);
        assertThat(m1.ownedCount()).isEqualTo(3);
        assertThat(shard.groups.group(GROUP).member("m1").state()).isEqualTo(MemberState.UNREVOKED_PARTITIONS);
        assertThat(shard.state(GROUP)).isEqualTo(GroupState.RECONCILING);

        m2.heartbeat();
        assertThat(m2.ownedCount()).as("m1 has not acknowledged the revocation yet").isZero();

        m1.heartbeat();
        assertThat(m1.epoch).isEqualTo(2);
        m2.heartbeat();
        assertThat(m2.ownedCount()).isEqualTo(3);

        Set<Integer> all = new HashSet<>(m1.ownedOf(t));
        all.addAll(m2.ownedOf(t));
        assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        assertThat(shard.state(GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void thirdMemberTakesOnePartitionFromEachOfTheOthers() {
        Uuid t = shard.topic("t", 6);
        TestMember m1 = new TestMember(shard, GROUP, "m1");
        TestMember m2 = new TestMember(shard, GROUP, "m2");
        stabilize(List.of(m1, m2), List.of("t"));
        Set<Integer> before1 = m1.ownedOf(t);
        Set<Integer> before2 = m2.ownedOf(t);

        TestMember m3 = new TestMember(shard, GROUP, "m3");
        stabilize(List.of(m1, m2, m3), List.of("t"));

        assertThat(before1).containsAll(m1.ownedOf(t)).hasSize(3);
        assertThat(before2).containsAll(m2.ownedOf(t)).hasSize(3);
        assertThat(List.of(m1.ownedCount(), m2.ownedCount(), m3.ownedCount())).containsExactly(2, 2, 2);
        assertThat(shard.state(GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void leavingMemberPartitionsGoToTheOthers() {
        Uuid t = shard.topic("t", 4);
        TestMember m1 = new TestMember(shard, GROUP, "m1");
        TestMember m2 = new TestMember(shard, GROUP, "m2");
        stabilize(List.of(m1, m2), List.of("t"));

        assertThat(m2.leave()).isEqualTo(Errors.NONE);
        assertThat(m2.lastResponse.memberEpoch()).isEqualTo(-1);
        m1.heartbeat();

        assertThat(m1.ownedOf(t)).containsExactly(0, 1, 2, 3);
        assertThat(shard.groups.group(GROUP).members()).containsOnlyKeys("m1");
        assertThat(m2.heartbeat()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void expiredSessionFencesTheMember() {
        Uuid t = shard.topic("t", 4);
        TestMember m1 = new TestMember(shard, GROUP, "m1");
        TestMember m2 = new TestMember(shard, GROUP, "m2");
        stabilize(List.of(m1, m2), List.of("t"));

        for (int i = 0; i < 8; i++) { // 40 s: m2 silent but not yet expired
            shard.advance(5_000);
            m1.heartbeat();
        }
        assertThat(shard.groups.group(GROUP).members()).containsKey("m2");
        shard.advance(5_000);
        m1.heartbeat();

        assertThat(shard.groups.group(GROUP).members()).containsOnlyKeys("m1");
        assertThat(m1.ownedOf(t)).containsExactly(0, 1, 2, 3);
        assertThat(m2.heartbeat()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        TestMember rejoined = new TestMember(shard, GROUP, "m2");
        assertThat(rejoined.join(List.of("t"))).isEqualTo(Errors.NONE);
    }

    @Test
    void memberThatDoesNotRevokeWithinItsRebalanceTimeoutIsFenced() {
        Uuid t = shard.topic("t", 4);
        TestMember m1 = new TestMember(shard, GROUP, "m1");
        TestMember m2 = new TestMember(shard, GROUP, "m2");
        m1.join(List.of("t"));
        Map<Uuid, Set<Integer>> all = m1.owned;
        m2.join(List.of("t"));

        for (int i = 0; i < 5; i++) { // 25 s of a member holding on to partitions it must give up
            assertThat(m1.heartbeatOwning(all)).isEqualTo(Errors.NONE);
            m2.heartbeat();
            shard.advance(5_000);
        }
        assertThat(m1.heartbeatOwning(all)).isEqualTo(Errors.NONE);
        shard.advance(5_000);

        assertThat(m1.heartbeatOwning(all)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        m2.heartbeat();
        assertThat(m2.ownedOf(t)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void staticMemberThatLeftIsReplacedByItsNextInstance() {
        Uuid t = shard.topic("t", 4);
        TestMember a1 = new TestMember(shard, GROUP, "a-1", "instance-a");
        TestMember b = new TestMember(shard, GROUP, "b");
        stabilize(List.of(a1, b), List.of("t"));
        int groupEpoch = shard.groups.group(GROUP).groupEpoch();

        assertThat(a1.leave()).isEqualTo(Errors.NONE);
        assertThat(a1.lastResponse.memberEpoch()).isEqualTo(-2);
        assertThat(shard.groups.group(GROUP).groupEpoch()).as("a static leave keeps the epoch").isEqualTo(groupEpoch);
        b.heartbeat();
        assertThat(b.ownedCount()).as("a's partitions wait for it").isEqualTo(2);

        TestMember a2 = new TestMember(shard, GROUP, "a-2", "instance-a");
        assertThat(a2.join(List.of("t"))).isEqualTo(Errors.NONE);

        assertThat(a2.ownedOf(t)).isEqualTo(a1.ownedOf(t));
        assertThat(a2.epoch).isEqualTo(groupEpoch);
        assertThat(shard.groups.group(GROUP).members()).containsOnlyKeys("a-2", "b");
        assertThat(a1.heartbeat()).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(new TestMember(shard, GROUP, "a-3", "instance-a").join(List.of("t")))
                .isEqualTo(Errors.UNRELEASED_INSTANCE_ID);
        assertThat(shard.state(GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void staticMemberMayResendItsJoin() {
        Uuid t = shard.topic("t", 2);
        TestMember a = new TestMember(shard, GROUP, "a-1", "instance-a");
        a.join(List.of("t"));

        assertThat(a.join(List.of("t"))).isEqualTo(Errors.NONE);

        assertThat(a.ownedOf(t)).containsExactly(0, 1);
        assertThat(shard.groups.group(GROUP).members()).containsOnlyKeys("a-1");
    }

    @Test
    void regexNeverMatchesInternalTopics() {
        shard.topic("__consumer_offsets", 3);
        Uuid mine = shard.topic("_mine", 1);
        TestMember m = new TestMember(shard, GROUP, "m");

        m.joinWithRegex("_.*");

        assertThat(m.owned).containsOnlyKeys(mine);
    }

    @Test
    void staticMemberThatDoesNotComeBackExpires() {
        Uuid t = shard.topic("t", 4);
        TestMember a = new TestMember(shard, GROUP, "a-1", "instance-a");
        TestMember b = new TestMember(shard, GROUP, "b");
        stabilize(List.of(a, b), List.of("t"));
        a.leave();

        for (int i = 0; i < 10; i++) {
            shard.advance(5_000);
            b.heartbeat();
        }
        b.heartbeat();

        assertThat(shard.groups.group(GROUP).members()).containsOnlyKeys("b");
        assertThat(b.ownedOf(t)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void regexSubscriptionFollowsTopicsAsTheyAppear() {
        Uuid a = shard.topic("orders-a", 2);
        Uuid b = shard.topic("orders-b", 2);
        shard.topic("payments", 2);
        TestMember m = new TestMember(shard, GROUP, "m");

        assertThat(m.joinWithRegex("orders-.*")).isEqualTo(Errors.NONE);
        assertThat(m.owned).containsOnlyKeys(a, b);

        Uuid c = shard.topic("orders-c", 1);
        assertThat(shard.state(GROUP)).isEqualTo(GroupState.ASSIGNING);
        m.heartbeat();
        assertThat(m.owned).containsOnlyKeys(a, b, c);
        assertThat(shard.groups.describe(List.of(GROUP)).get(0).members().get(0).subscribedTopicRegex())
                .isEqualTo("orders-.*");
    }

    @Test
    void invalidRegexIsRefused() {
        TestMember m = new TestMember(shard, GROUP, "m");

        assertThat(m.joinWithRegex("orders-(")).isEqualTo(Errors.INVALID_REGULAR_EXPRESSION);
        assertThat(shard.log).isEmpty();
    }

    @Test
    void partitionsAddedOrTopicDeletedChangeTheAssignment() {
        Uuid t = shard.topic("t", 2);
        TestMember m = new TestMember(shard, GROUP, "m");
        m.join(List.of("t"));

        shard.topic("t", 4);
        m.heartbeat();
        assertThat(m.ownedOf(t)).containsExactly(0, 1, 2, 3);

        shard.deleteTopic("t");
        m.heartbeat();
        m.heartbeat();
        assertThat(m.owned).isEmpty();
        assertThat(m.epoch).isEqualTo(shard.groups.group(GROUP).groupEpoch());
        assertThat(shard.state(GROUP)).isEqualTo(GroupState.STABLE);
    }

    @Test
    void memberAskingForRangeGetsRanges() {
        Uuid t = shard.topic("t", 4);
        Uuid u = shard.topic("u", 4);
        TestMember m1 = new TestMember(shard, GROUP, "m1");
        TestMember m2 = new TestMember(shard, GROUP, "m2");
        m1.send(m1.base().setMemberEpoch(0).setRebalanceTimeoutMs(1000).setSubscribedTopicNames(List.of("t", "u"))
                .setServerAssignor("range").setTopicPartitions(List.of()));
        stabilize(List.of(m1, m2), List.of("t", "u"));

        assertThat(m1.ownedOf(t)).containsExactly(0, 1);
        assertThat(m1.ownedOf(u)).containsExactly(0, 1);
        assertThat(m2.ownedOf(t)).containsExactly(2, 3);
        assertThat(shard.groups.describe(List.of(GROUP)).get(0).assignorName()).isEqualTo("range");
    }

    @Test
    void describeShowsMembersAssignmentsAndEpochs() {
        shard.topic("t", 2);
        TestMember m = new TestMember(shard, GROUP, "m");
        m.join(List.of("t"));

        List<DescribedGroup> described = shard.groups.describe(List.of(GROUP, "other"));

        DescribedGroup group = described.get(0);
        assertThat(group.errorCode()).isZero();
        assertThat(group.groupState()).isEqualTo("Stable");
        assertThat(group.groupEpoch()).isEqualTo(1);
        assertThat(group.assignmentEpoch()).isEqualTo(1);
        assertThat(group.assignorName()).isEqualTo("uniform");
        assertThat(group.members()).singleElement().satisfies(member -> {
            assertThat(member.memberId()).isEqualTo("m");
            assertThat(member.clientId()).isEqualTo("client");
            assertThat(member.subscribedTopicNames()).containsExactly("t");
            assertThat(member.assignment().topicPartitions()).singleElement()
                    .satisfies(tp -> {
                        assertThat(tp.topicName()).isEqualTo("t");
                        assertThat(tp.partitions()).containsExactly(0, 1);
                    });
            assertThat(member.targetAssignment()).isEqualTo(member.assignment());
        });
        assertThat(described.get(1).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        ConsumerGroup asGroup = shard.groups.group(GROUP);
        assertThat(asGroup.stateName()).isEqualTo("Stable");
        assertThat(asGroup.protocolType()).isEqualTo("consumer");
        assertThat(asGroup.type()).isEqualTo(GroupType.CONSUMER);
    }

    @Test
    void onlyAnEmptyGroupCanBeDeleted() {
        shard.topic("t", 2);
        TestMember m = new TestMember(shard, GROUP, "m");
        m.join(List.of("t"));

        assertThat(shard.groups.group(GROUP).validateDeleteGroup()).isEqualTo(Errors.NON_EMPTY_GROUP);
        m.leave();
        assertThat(shard.state(GROUP)).isEqualTo(GroupState.EMPTY);
        assertThat(shard.groups.group(GROUP).validateDeleteGroup()).isEqualTo(Errors.NONE);
        shard.apply(shard.groups.group(GROUP).deletionRecords());

        assertThat(shard.registry.get(GROUP)).isNull();
    }

    @Test
    void offsetCommitsAndFetchesNeedTheCurrentMemberEpoch() {
        shard.topic("t", 2);
        TestMember m = new TestMember(shard, GROUP, "m");
        m.join(List.of("t"));
        ConsumerGroup group = shard.groups.group(GROUP);

        assertThat(group.validateOffsetCommit("m", null, m.epoch)).isEqualTo(Errors.NONE);
        assertThat(group.validateOffsetCommit("m", null, m.epoch - 1)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(group.validateOffsetCommit("x", null, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(group.validateOffsetCommit("", null, -1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(group.validateOffsetFetch(null, -1)).isEqualTo(Errors.NONE);
        assertThat(group.validateOffsetFetch("m", m.epoch + 1)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(group.isSubscribedTo("t")).isTrue();
        assertThat(group.offsetExpirationBaseMs("t", 1000)).isEqualTo(-1);
        assertThat(group.offsetExpirationBaseMs("u", 1000)).isEqualTo(1000);
        m.leave();
        assertThat(group.validateOffsetCommit("", null, -1)).as("admin commit to an empty group")
                .isEqualTo(Errors.NONE);
    }

    @Test
    void regexMembersAreSubscribedToMatchingTopics() {
        shard.topic("orders-a", 1);
        TestMember m = new TestMember(shard, GROUP, "m");
        m.joinWithRegex("orders-.*");

        assertThat(shard.groups.group(GROUP).isSubscribedTo("orders-z")).isTrue();
        assertThat(shard.groups.group(GROUP).isSubscribedTo("payments")).isFalse();
    }

    private static void stabilize(List<TestMember> members, List<String> topics) {
        members.forEach(m -> {
            if (m.epoch == 0) {
                m.join(topics);
            }
        });
        for (int round = 0; round < 5; round++) {
            members.forEach(TestMember::heartbeat);
        }
    }
}
