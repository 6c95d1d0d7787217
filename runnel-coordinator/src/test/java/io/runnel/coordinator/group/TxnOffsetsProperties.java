package io.runnel.coordinator.group;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.protocol.Errors;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random interleavings of plain commits, transactional commits of three producers, their
 * COMMIT/ABORT markers, DeleteGroups and reloads, checked after every step against a model of
 * Kafka's rules: the most recently written offset wins on COMMIT, ABORT drops, require_stable
 * sees pending partitions as unstable; and an aborted offset is never visible.
 */
class TxnOffsetsProperties {
    private static final int PARTITIONS = 2;

    @Property(tries = 300)
    void offsetsFollowKafkasTransactionRules(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 6 * 3 * PARTITIONS - 1) Integer> ops) {
        ShardHarness h = new ShardHarness(new GroupConfig(600_000, 600_000, 100, 10, 60_000, 0, 10));
        Model model = new Model();
        Set<Long> abortedValues = new HashSet<>();
        Map<Long, Set<Long>> valuesInFlight = new HashMap<>();
        long value = 0;
        for (int op : ops) {
            int kind = op % 6;
            long producer = op / 6 % 3;
            int partition = op / 18 % PARTITIONS;
            value++;
            switch (kind) {
                case 0 -> {
                    long v = value;
                    h.write(s -> s.commitOffsets(plainCommit(partition, v)));
                    model.committed.put(partition, new long[]{v, model.order++});
                }
                case 1 -> {
                    long v = value;
                    h.txnWrite(producer, s -> s.txnOffsetCommit(txnCommit(producer, partition, v)));
                    model.pending.computeIfAbsent(producer, p -> new HashMap<>()).put(partition, new long[]{v, model.order++});
                    valuesInFlight.computeIfAbsent(producer, p -> new HashSet<>()).add(v);
                }
                case 2, 3 -> {
                    boolean commit = kind == 2;
                    h.endTransaction(producer, commit);
                    model.end(producer, commit);
                    Set<Long> decided = valuesInFlight.remove(producer);
                    if (!commit && decided != null) {
                        abortedValues.addAll(decided);
                    }
                }
                case 4 -> h.reload();
                default -> {
                    h.write(s -> s.deleteGroups(List.of("g")));
                    model.committed.clear();
                    model.pending.values().forEach(Map::clear);
                }
            }
            for (int p = 0; p < PARTITIONS; p++) {
                OffsetFetchResponsePartitions plain = fetch(h, p, false);
                OffsetFetchResponsePartitions stable = fetch(h, p, true);
                long[] committed = model.committed.get(p);
                assertThat(plain.committedOffset()).isEqualTo(committed == null ? -1 : committed[0]);
                assertThat(abortedValues).doesNotContain(plain.committedOffset());
                if (model.isPending(p)) {
                    assertThat(stable.errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
                } else {
                    assertThat(stable.errorCode()).isZero();
                    assertThat(stable.committedOffset()).isEqualTo(plain.committedOffset());
                }
            }
        }
    }

    private static OffsetFetchResponsePartitions fetch(ShardHarness h, int partition, boolean requireStable) {
        return h.shard.fetchOffsets(OffsetStoreTest.fetch("g", partition), requireStable).topics().get(0)
                .partitions().get(0);
    }

    private static OffsetCommitRequestData plainCommit(int partition, long offset) {
        return new OffsetCommitRequestData().setGroupId("g").setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(new OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(partition).setCommittedOffset(offset)))));
    }

    private static TxnOffsetCommitRequestData txnCommit(long producer, int partition, long offset) {
        return new TxnOffsetCommitRequestData().setGroupId("g").setProducerId(producer).setGenerationIdOrMemberEpoch(-1)
                .setTopics(List.of(new TxnOffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                        new TxnOffsetCommitRequestPartition().setPartitionIndex(partition).setCommittedOffset(offset)))));
    }

    /** Committed and pending offsets as {value, write order}; a COMMIT applies what was written after the committed one. */
    private static final class Model {
        final Map<Integer, long[]> committed = new HashMap<>();
        final Map<Long, Map<Integer, long[]>> pending = new HashMap<>();
        long order;

        void end(long producer, boolean commit) {
            Map<Integer, long[]> offsets = pending.remove(producer);
            if (commit && offsets != null) {
                offsets.forEach((partition, offset) -> {
                    long[] current = committed.get(partition);
                    if (current == null || current[1] < offset[1]) {
                        committed.put(partition, offset);
                    }
                });
            }
        }

        boolean isPending(int partition) {
            return pending.values().stream().anyMatch(offsets -> offsets.containsKey(partition));
        }
    }
}
