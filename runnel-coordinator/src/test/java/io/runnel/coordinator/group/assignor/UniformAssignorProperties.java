package io.runnel.coordinator.group.assignor;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class UniformAssignorProperties {

    private final UniformAssignor assignor = new UniformAssignor();

    @Property(tries = 300)
    void sameSubscriptionsGiveValidBalancedAssignments(
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 30) Integer> partitionCounts,
            @ForAll @IntRange(min = 1, max = 12) int memberCount) {
        AssignmentSpec spec = homogeneous(partitionCounts, memberIds(0, memberCount), Map.of());

        Map<String, Map<Uuid, Set<Integer>>> result = assignor.assign(spec);

        AssignorChecks.assertValid(spec, result);
        IntSummary loads = IntSummary.of(result);
        assertThat(loads.max - loads.min).isLessThanOrEqualTo(1);
    }

    /**
     * After members come and go, a member that stays keeps as many of its partitions as its new
     * share allows: it loses partitions only if its share shrank, and never swaps one for another.
     */
    @Property(tries = 300)
    void membersThatStayKeepTheirPartitions(
            @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 1, max = 30) Integer> partitionCounts,
            @ForAll @IntRange(min = 1, max = 8) int before,
            @ForAll @IntRange(min = 0, max = 7) int leaving,
            @ForAll @IntRange(min = 0, max = 4) int joining) {
        int left = Math.min(leaving, before - 1);
        Map<String, Map<Uuid, Set<Integer>>> previous =
                assignor.assign(homogeneous(partitionCounts, memberIds(0, before), Map.of()));
        List<String> after = new ArrayList<>(memberIds(left, before));
        after.addAll(memberIds(100, 100 + joining));

        Map<String, Map<Uuid, Set<Integer>>> next = assignor.assign(homogeneous(partitionCounts, after, previous));

        IntSummary loads = IntSummary.of(next);
        assertThat(loads.max - loads.min).isLessThanOrEqualTo(1);
        previous.forEach((member, old) -> {
            if (next.containsKey(member)) {
                int kept = 0;
                for (Map.Entry<Uuid, Set<Integer>> topic : old.entrySet()) {
                    Set<Integer> still = new HashSet<>(topic.getValue());
                    still.retainAll(next.get(member).getOrDefault(topic.getKey(), Set.of()));
                    kept += still.size();
                }
                assertThat(kept).as("partitions %s kept", member)
                        .isEqualTo(Math.min(AssignorChecks.size(old), AssignorChecks.size(next.get(member))));
            }
        });
    }

    /**
     * With different subscriptions every partition still goes to a subscriber, and no partition
     * could move to another subscriber of its topic that has two or more partitions fewer.
     */
    @Property(tries = 300)
    void differentSubscriptionsGiveValidLocallyBalancedAssignments(
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 1, max = 20) Integer> partitionCounts,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 15) Integer> subscriptionMasks) {
        AssignmentSpec spec = AssignorChecks.maskedSubscriptions(partitionCounts, subscriptionMasks);
        Map<String, AssignmentSpec.MemberSpec> members = spec.members();

        Map<String, Map<Uuid, Set<Integer>>> result = assignor.assign(spec);

        AssignorChecks.assertValid(spec, result);
        result.forEach((owner, assignment) -> assignment.keySet().forEach(topicId ->
                members.forEach((other, member) -> {
                    if (member.subscribedTopicIds().contains(topicId)) {
                        assertThat(AssignorChecks.size(result.get(owner)) - AssignorChecks.size(result.get(other)))
                                .as("%s could give a partition of %s to %s", owner, topicId, other)
                                .isLessThanOrEqualTo(1);
                    }
                })));
    }

    private static AssignmentSpec homogeneous(List<Integer> partitionCounts, List<String> memberIds,
                                              Map<String, Map<Uuid, Set<Integer>>> current) {
        Map<Uuid, Integer> counts = AssignorChecks.partitionCounts(partitionCounts);
        Map<String, AssignmentSpec.MemberSpec> members = new HashMap<>();
        memberIds.forEach(id -> members.put(id,
                new AssignmentSpec.MemberSpec(null, counts.keySet(), current.getOrDefault(id, Map.of()))));
        return new AssignmentSpec(members, counts);
    }

    private static List<String> memberIds(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add("member-" + i);
        }
        return ids;
    }

    private record IntSummary(int min, int max) {
        static IntSummary of(Map<String, Map<Uuid, Set<Integer>>> result) {
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (Map<Uuid, Set<Integer>> assignment : result.values()) {
                min = Math.min(min, AssignorChecks.size(assignment));
                max = Math.max(max, AssignorChecks.size(assignment));
            }
            return new IntSummary(min, max);
        }
    }
}
