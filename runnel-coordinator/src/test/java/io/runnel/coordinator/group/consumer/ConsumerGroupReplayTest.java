package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.runtime.CoordinatorRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Loading the records a shard wrote (as written, or compacted) rebuilds the same groups. */
class ConsumerGroupReplayTest {

    private final TestShard shard = new TestShard();

    @Test
    void replayingTheLogRebuildsTheSameState() {
        busyGroups();

        TestShard loaded = shard.reload(ConsumerGroupSettings.defaults());

        assertSameGroups(loaded, shard);
    }

    @Test
    void replayingTheCompactedLogRebuildsTheSameState() {
        busyGroups();

        TestShard compacted = shard.load(compact(shard.log), ConsumerGroupSettings.defaults());

        assertSameGroups(compacted, shard);
    }

    @Test
    void loadedShardArmsSessionTimersAndKeepsServingMembers() {
        shard.topic("t", 4);
        TestMember m1 = new TestMember(shard, "g", "m1");
        TestMember m2 = new TestMember(shard, "g", "m2");
        m1.join(List.of("t"));
        m2.join(List.of("t"));
        m1.heartbeat();

        TestShard loaded = shard.reload(ConsumerGroupSettings.defaults());
        TestMember m1Again = new TestMember(loaded, "g", "m1");
        m1Again.epoch = m1.epoch;
        m1Again.owned = m1.owned;
        assertThat(m1Again.heartbeat()).isEqualTo(Errors.NONE);
        assertThat(m1Again.epoch).isEqualTo(2);

        loaded.advance(45_000);
        assertThat(loaded.state("g")).isEqualTo(GroupState.EMPTY);
    }

    /** Three groups that went through joins, revocations, a leave, a static leave and a deletion. */
    private void busyGroups() {
        shard.topic("t", 6);
        shard.topic("orders-1", 3);
        TestMember a = new TestMember(shard, "g1", "a");
        TestMember b = new TestMember(shard, "g1", "b", "instance-b");
        TestMember c = new TestMember(shard, "g1", "c");
        a.join(List.of("t"));
        b.join(List.of("t", "orders-1"));
        c.joinWithRegex("orders-.*");
        for (int i = 0; i < 3; i++) {
            a.heartbeat();
            b.heartbeat();
            c.heartbeat();
        }
        c.leave();
        b.leave();
        a.heartbeat();
        TestMember d = new TestMember(shard, "g2", "d");
        d.join(List.of("orders-1"));
        shard.topic("orders-2", 2);
        TestMember e = new TestMember(shard, "g3", "e");
        e.join(List.of("t"));
        e.leave();
        shard.apply(shard.groups.group("g3").deletionRecords());
    }

    private static void assertSameGroups(TestShard actual, TestShard expected) {
        List<String> ids = List.of("g1", "g2", "g3");
        for (String id : ids) {
            assertThat(actual.state(id)).isEqualTo(expected.state(id));
        }
        assertThat(actual.groups.describe(ids)).isEqualTo(expected.groups.describe(ids));
        for (String id : List.of("g1", "g2")) {
            ConsumerGroup a = actual.groups.group(id);
            ConsumerGroup e = expected.groups.group(id);
            assertThat(a.members()).isEqualTo(e.members());
            assertThat(a.metadataHash()).isEqualTo(e.metadataHash());
            e.members().values().forEach(m -> m.assignedPartitions().forEach((topicId, partitions) ->
                    partitions.forEach(p -> assertThat(a.currentPartitionEpoch(topicId, p))
                            .isEqualTo(e.currentPartitionEpoch(topicId, p)))));
        }
    }

    /** What log compaction leaves once tombstones are gone: the latest record per key, in log order. */
    private static List<CoordinatorRecord> compact(List<CoordinatorRecord> log) {
        Map<ByteBuffer, Integer> latest = new LinkedHashMap<>();
        for (int offset = 0; offset < log.size(); offset++) {
            latest.put(ByteBuffer.wrap(log.get(offset).key()), offset);
        }
        List<CoordinatorRecord> kept = new ArrayList<>();
        for (int offset = 0; offset < log.size(); offset++) {
            CoordinatorRecord record = log.get(offset);
            if (latest.get(ByteBuffer.wrap(record.key())) == offset && !record.isTombstone()) {
                kept.add(record);
            }
        }
        return kept;
    }
}
