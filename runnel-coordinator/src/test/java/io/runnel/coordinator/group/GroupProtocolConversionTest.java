package io.runnel.coordinator.group;

import io.runnel.coordinator.group.classic.ClassicGroup;
import io.runnel.coordinator.group.consumer.ConsumerGroup;
import io.runnel.coordinator.group.consumer.HeartbeatContext;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** A group id is classic or consumer; an empty group changes protocol with the first join of the other, and its offsets stay. */
class GroupProtocolConversionTest {
    private static final HeartbeatContext CONTEXT = new HeartbeatContext((short) 1, "client", "/127.0.0.1");

    private final ShardHarness h = new ShardHarness(new GroupConfig(60_000, 600_000, 4096, 1000, 60_000, 0, 10));

    @Test
    void consumerJoinTakesOverAnEmptyClassicGroupAndKeepsItsOffsets() {
        h.write(s -> s.commitOffsets(OffsetStoreTest.commit("g", -1, "", 42, "meta")));
        assertThat(h.shard.registry().get("g")).isInstanceOf(ClassicGroup.class);

        ConsumerGroupHeartbeatResponseData joined = h.write(s -> s.consumer().heartbeat(consumerJoin("m"), CONTEXT));

        assertThat(joined.errorCode()).isZero();
        assertThat(h.shard.registry().get("g")).isInstanceOf(ConsumerGroup.class);
        assertThat(committed()).isEqualTo(42);
        h.reload();
        assertThat(h.shard.registry().get("g")).isInstanceOf(ConsumerGroup.class);
        assertThat(committed()).isEqualTo(42);
    }

    @Test
    void classicJoinTakesOverAnEmptyConsumerGroup() {
        h.write(s -> s.consumer().heartbeat(consumerJoin("m"), CONTEXT));
        h.write(s -> s.consumer().heartbeat(new ConsumerGroupHeartbeatRequestData().setGroupId("g")
                .setMemberId("m").setMemberEpoch(-1), CONTEXT));
        h.write(s -> s.commitOffsets(OffsetStoreTest.commit("g", -1, "", 7, "")));

        JoinGroupResponseData first = joinClassic("");
        JoinGroupResponseData joined = joinClassic(first.memberId());

        assertThat(joined.errorCode()).isZero();
        assertThat(h.shard.registry().get("g")).isInstanceOf(ClassicGroup.class);
        assertThat(committed()).isEqualTo(7);
        h.reload();
        assertThat(h.shard.registry().get("g")).isInstanceOf(ClassicGroup.class);
        assertThat(h.shard.listGroups(Set.of(), java.util.Set.of("consumer"))).isEmpty();
    }

    private long committed() {
        OffsetFetchResponseGroup fetched = h.shard.fetchOffsets(OffsetStoreTest.fetch("g", 0), false);
        return fetched.topics().get(0).partitions().get(0).committedOffset();
    }

    private static ConsumerGroupHeartbeatRequestData consumerJoin(String memberId) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId("g").setMemberId(memberId).setMemberEpoch(0)
                .setRebalanceTimeoutMs(10_000).setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of());
    }

    private JoinGroupResponseData joinClassic(String memberId) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[]{1}));
        JoinGroupRequestData request = new JoinGroupRequestData().setGroupId("g").setMemberId(memberId)
                .setProtocolType("consumer").setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000)
                .setProtocols(protocols);
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        h.writeAndComplete(s -> s.joinGroup(request, (short) 9, "client", "/127.0.0.1", response));
        return response.join();
    }
}
