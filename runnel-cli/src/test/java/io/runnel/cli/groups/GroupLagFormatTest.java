package io.runnel.cli.groups;

import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class GroupLagFormatTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);
    private static final TopicPartition U0 = new TopicPartition("u", 0);

    @Test
    void lagPerPartitionAndTotalWithOwnersAndUnknowns() {
        MemberDescription member = new MemberDescription("m-1", Optional.empty(), "c-1", "/127.0.0.1",
                new MemberAssignment(Set.of(T1, T0)));
        ConsumerGroupDescription group = new ConsumerGroupDescription("g", false, List.of(member), "range",
                GroupType.CLASSIC, GroupState.STABLE, Node.noNode(), Set.of(), Optional.empty(), Optional.empty());
        // t-0 committed and behind, t-1 assigned but never committed, u-0 committed by an earlier member and caught up.
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of(T0, new OffsetAndMetadata(70), U0, new OffsetAndMetadata(5));
        Map<TopicPartition, Long> ends = Map.of(T0, 100L, T1, 40L, U0, 5L);

        GroupLag lag = GroupLag.of(group, committed, ends);

        assertThat(GroupLag.partitionsOf(group, committed)).containsExactly(T0, T1, U0);
        assertThat(lag.totalLag()).isEqualTo(30);
        assertThat(GroupLagFormat.format(lag)).containsExactly(
                "Group: g  Type: classic  State: Stable  Members: 1  Total lag: 30",
                "GROUP  TOPIC  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST        CLIENT-ID",
                "g      t      0          70              100             30   m-1          /127.0.0.1  c-1",
                "g      t      1          -               40              -    m-1          /127.0.0.1  c-1",
                "g      u      0          5               5               0    -            -           -");
    }

    @Test
    void anEmptyGroupSaysSo() {
        ConsumerGroupDescription group = new ConsumerGroupDescription("g", false, List.of(), "",
                GroupType.CONSUMER, GroupState.EMPTY, Node.noNode(), Set.of(), Optional.empty(), Optional.empty());

        assertThat(GroupLagFormat.format(GroupLag.of(group, Map.of(), Map.of()))).containsExactly(
                "Group: g  Type: consumer  State: Empty  Members: 0  Total lag: 0",
                "(no committed offsets and no assigned partitions)");
    }

    @Test
    void aCommittedOffsetBeyondTheEndCountsAsNoLag() {
        assertThat(new PartitionLag(T0, java.util.OptionalLong.of(120), 100, "-", "-", "-").lag()).hasValue(0);
    }
}
