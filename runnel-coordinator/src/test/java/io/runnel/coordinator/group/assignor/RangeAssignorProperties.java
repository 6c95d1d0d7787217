package io.runnel.coordinator.group.assignor;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.Uuid;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RangeAssignorProperties {

    private final RangeAssignor assignor = new RangeAssignor();

    @Property(tries = 300)
    void anySubscriptionsGiveValidContiguousRanges(
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 20) Integer> partitionCounts,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 15) Integer> subscriptionMasks) {
        AssignmentSpec spec = AssignorChecks.maskedSubscriptions(partitionCounts, subscriptionMasks);

        Map<String, Map<Uuid, Set<Integer>>> result = assignor.assign(spec);

        AssignorChecks.assertValid(spec, result);
        result.values().forEach(assignment -> assignment.values().forEach(partitions -> {
            int min = partitions.stream().mapToInt(Integer::intValue).min().orElseThrow();
            int max = partitions.stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertThat(max - min + 1).as("contiguous").isEqualTo(partitions.size());
        }));
    }

    @Property(tries = 200)
    void sameSubscriptionsAndPartitionCountsAreCoPartitioned(
            @ForAll @IntRange(min = 2, max = 4) int topicCount,
            @ForAll @IntRange(min = 1, max = 24) int partitions,
            @ForAll @IntRange(min = 1, max = 10) int memberCount) {
        Map<Uuid, Integer> counts = new HashMap<>();
        AssignorChecks.topicIds(topicCount).forEach(id -> counts.put(id, partitions));
        Map<String, AssignmentSpec.MemberSpec> members = new HashMap<>();
        for (int i = 0; i < memberCount; i++) {
            members.put("m" + i, new AssignmentSpec.MemberSpec(null, counts.keySet(), Map.of()));
        }

        Map<String, Map<Uuid, Set<Integer>>> result = assignor.assign(new AssignmentSpec(members, counts));

        result.values().forEach(assignment ->
                assertThat(new HashSet<>(assignment.values())).hasSizeLessThanOrEqualTo(1));
    }
}
