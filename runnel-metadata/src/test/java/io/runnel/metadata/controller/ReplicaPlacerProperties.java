package io.runnel.metadata.controller;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaPlacerProperties {

    @Property
    void replicasAreDistinctAndLeadersSpreadEvenly(@ForAll @IntRange(min = 1, max = 9) int brokerCount,
                                                   @ForAll @IntRange(min = 1, max = 40) int partitions,
                                                   @ForAll @IntRange(min = 1, max = 9) int replicationFactor,
                                                   @ForAll long seed) {
        int rf = Math.min(replicationFactor, brokerCount);
        List<Integer> brokers = IntStream.range(0, brokerCount).map(i -> i * 10).boxed().toList();
        List<List<Integer>> placement = new ReplicaPlacer(new Random(seed)).place(brokers, 0, partitions, rf);

        assertThat(placement).hasSize(partitions);
        Map<Integer, Integer> leaders = new HashMap<>();
        for (List<Integer> replicas : placement) {
            assertThat(replicas).hasSize(rf);
            assertThat(new HashSet<>(replicas)).hasSize(rf);
            assertThat(brokers).containsAll(replicas);
            leaders.merge(replicas.get(0), 1, Integer::sum);
        }
        int min = brokers.stream().mapToInt(b -> leaders.getOrDefault(b, 0)).min().orElseThrow();
        int max = brokers.stream().mapToInt(b -> leaders.getOrDefault(b, 0)).max().orElseThrow();
        assertThat(max - min).isLessThanOrEqualTo(1);
    }
}
