package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaPlacerProperties {

    @Property
    void everyPartitionHasDistinctBrokersOverAsManyRacksAsPossibleAndBalancedLeaders(
            @ForAll @IntRange(min = 1, max = 12) int brokerCount,
            @ForAll @IntRange(min = 0, max = 4) int rackCount,
            @ForAll @IntRange(min = 1, max = 40) int partitions,
            @ForAll @IntRange(min = 1, max = 12) int replicationFactor,
            @ForAll long seed) {
        List<BrokerRegistration> brokers = brokers(brokerCount, rackCount, seed);
        int rf = Math.min(replicationFactor, brokerCount);
        List<List<Integer>> placement = new ReplicaPlacer(new Random(seed)).place(brokers, List.of(), partitions, rf);

        assertThat(placement).hasSize(partitions);
        assertWellPlaced(brokers, placement, rf);
        assertLeadersBalanced(brokers, placement, BrokerRegistration::id);
    }

    @Property
    void growingATopicKeepsItsPartitionsWellPlacedAndItsLeadersBalanced(
            @ForAll @IntRange(min = 1, max = 12) int brokerCount,
            @ForAll @IntRange(min = 0, max = 4) int rackCount,
            @ForAll @IntRange(min = 1, max = 20) int initial,
            @ForAll @IntRange(min = 1, max = 20) int added,
            @ForAll @IntRange(min = 1, max = 12) int replicationFactor,
            @ForAll long seed) {
        List<BrokerRegistration> brokers = brokers(brokerCount, rackCount, seed);
        int rf = Math.min(replicationFactor, brokerCount);
        ReplicaPlacer placer = new ReplicaPlacer(new Random(seed));
        List<List<Integer>> topic = new ArrayList<>(placer.place(brokers, List.of(), initial, rf));
        topic.addAll(placer.place(brokers, List.copyOf(topic), added, rf));

        assertThat(topic).hasSize(initial + added);
        assertWellPlaced(brokers, topic, rf);
        assertLeadersBalanced(brokers, topic, BrokerRegistration::id);
    }

    @Property
    void leadersSpreadEvenlyOverRacksOfEqualSize(@ForAll @IntRange(min = 1, max = 4) int rackCount,
                                                 @ForAll @IntRange(min = 1, max = 3) int brokersPerRack,
                                                 @ForAll @IntRange(min = 1, max = 40) int partitions,
                                                 @ForAll long seed) {
        List<BrokerRegistration> brokers = new ArrayList<>();
        for (int i = 0; i < rackCount * brokersPerRack; i++) {
            brokers.add(broker(i, "rack-" + i % rackCount));
        }
        List<List<Integer>> placement = new ReplicaPlacer(new Random(seed)).place(brokers, List.of(), partitions, 1);

        assertLeadersBalanced(brokers, placement, BrokerRegistration::rack);
    }

    /**
     * With racks of equal size (or none), a ring rotated by one position is the same ring with racks
     * renamed, so each block of n partitions places every replica offset once per broker.
     */
    @Property
    void replicasSpreadEvenlyOverBrokersWhenRacksHaveEqualSize(@ForAll @IntRange(min = 0, max = 4) int rackCount,
                                                               @ForAll @IntRange(min = 1, max = 3) int brokersPerRack,
                                                               @ForAll @IntRange(min = 1, max = 4) int blocks,
                                                               @ForAll @IntRange(min = 1, max = 12) int replicationFactor,
                                                               @ForAll long seed) {
        int n = Math.max(rackCount, 1) * brokersPerRack;
        List<BrokerRegistration> brokers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            brokers.add(broker(i, rackCount == 0 ? null : "rack-" + i % rackCount));
        }
        int rf = Math.min(replicationFactor, n);
        List<List<Integer>> placement = new ReplicaPlacer(new Random(seed)).place(brokers, List.of(), blocks * n, rf);

        Map<Integer, Integer> replicasPerBroker = new HashMap<>();
        placement.forEach(replicas -> replicas.forEach(b -> replicasPerBroker.merge(b, 1, Integer::sum)));
        assertThat(replicasPerBroker).hasSize(n);
        assertThat(new HashSet<>(replicasPerBroker.values())).containsExactly(blocks * rf);
    }

    /** Without racks the placer is Kafka's rack-unaware round robin, draw for draw. */
    @Property
    void withoutRacksPlacementIsKafkasRackUnawareRoundRobin(@ForAll @IntRange(min = 1, max = 12) int brokerCount,
                                                           @ForAll @IntRange(min = 1, max = 40) int partitions,
                                                           @ForAll @IntRange(min = 1, max = 12) int replicationFactor,
                                                           @ForAll long seed) {
        List<BrokerRegistration> brokers = brokers(brokerCount, 0, seed);
        int rf = Math.min(replicationFactor, brokerCount);
        List<List<Integer>> placement = new ReplicaPlacer(new Random(seed)).place(brokers, List.of(), partitions, rf);

        Random random = new Random(seed);
        int n = brokerCount;
        int start = random.nextInt(n);
        int shift = random.nextInt(n);
        for (int p = 0; p < partitions; p++) {
            if (p > 0 && p % n == 0) {
                shift++;
            }
            int first = (p + start) % n;
            List<Integer> expected = new ArrayList<>(List.of(id(first)));
            for (int j = 0; j < rf - 1; j++) {
                expected.add(id((first + 1 + (shift + j) % (n - 1)) % n));
            }
            assertThat(placement.get(p)).containsExactlyElementsOf(expected);
        }
    }

    private static void assertWellPlaced(List<BrokerRegistration> brokers, List<List<Integer>> placement, int rf) {
        Map<Integer, String> rackOf = new HashMap<>();
        brokers.forEach(b -> rackOf.put(b.id(), b.rack() == null ? "" : b.rack()));
        int racks = new HashSet<>(rackOf.values()).size();
        for (List<Integer> replicas : placement) {
            assertThat(replicas).hasSize(rf).doesNotHaveDuplicates();
            assertThat(rackOf.keySet()).containsAll(replicas);
            Set<String> covered = new HashSet<>();
            replicas.forEach(r -> covered.add(rackOf.get(r)));
            assertThat(covered).hasSize(Math.min(rf, racks));
        }
    }

    /** Leader counts per key (broker or rack) differ by at most one, for any number of partitions. */
    private static <K> void assertLeadersBalanced(List<BrokerRegistration> brokers, List<List<Integer>> placement,
                                                  Function<BrokerRegistration, K> key) {
        Map<Integer, K> keyOf = new HashMap<>();
        Map<K, Integer> leaders = new HashMap<>();
        for (BrokerRegistration broker : brokers) {
            keyOf.put(broker.id(), key.apply(broker));
            leaders.put(key.apply(broker), 0);
        }
        placement.forEach(replicas -> leaders.merge(keyOf.get(replicas.get(0)), 1, Integer::sum));
        int min = leaders.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        int max = leaders.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertThat(max - min).as("leaders per %s", leaders).isLessThanOrEqualTo(1);
    }

    /**
     * {@code count} brokers with ids {@link #id}; with {@code rackCount > 0}, every broker has one of
     * {@code min(rackCount, count)} racks, each used, of random sizes.
     */
    private static List<BrokerRegistration> brokers(int count, int rackCount, long seed) {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        int racks = Math.min(rackCount, count);
        List<BrokerRegistration> brokers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String rack = racks == 0 ? null : "rack-" + (i < racks ? i : random.nextInt(racks));
            brokers.add(broker(i, rack));
        }
        return brokers;
    }

    private static BrokerRegistration broker(int index, String rack) {
        return new BrokerRegistration(id(index), Uuid.randomUuid(), List.of(), rack, false);
    }

    /** Broker ids are spaced out so that a mix-up of ids and ring positions shows. */
    private static int id(int index) {
        return index * 10 + 3;
    }
}
