package io.runnel.coordinator.group.assignor;

import org.apache.kafka.common.Uuid;

import java.util.HashSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks every assignor must pass, and spec builders for the property tests. */
final class AssignorChecks {

    private AssignorChecks() {
    }

    /** Topic ids 0..n-1, stable across a run so that specs can be compared. */
    static List<Uuid> topicIds(int count) {
        List<Uuid> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(new Uuid(1, i + 1));
        }
        return ids;
    }

    /**
     * Topics with the given partition counts; member "m<i>" subscribes to topic t when bit t of
     * {@code masks[i]} is set.
     */
    static AssignmentSpec maskedSubscriptions(List<Integer> partitionCounts, List<Integer> masks) {
        List<Uuid> topics = topicIds(partitionCounts.size());
        Map<String, AssignmentSpec.MemberSpec> members = new HashMap<>();
        for (int i = 0; i < masks.size(); i++) {
            Set<Uuid> subscribed = new HashSet<>();
            for (int t = 0; t < topics.size(); t++) {
                if ((masks.get(i) & (1 << t)) != 0) {
                    subscribed.add(topics.get(t));
                }
            }
            members.put("m" + i, new AssignmentSpec.MemberSpec(null, subscribed, Map.of()));
        }
        return new AssignmentSpec(members, partitionCounts(partitionCounts));
    }

    static Map<Uuid, Integer> partitionCounts(List<Integer> counts) {
        Map<Uuid, Integer> byTopic = new HashMap<>();
        List<Uuid> ids = topicIds(counts.size());
        for (int i = 0; i < counts.size(); i++) {
            byTopic.put(ids.get(i), counts.get(i));
        }
        return byTopic;
    }

    /**
     * Every partition of a subscribed topic goes to exactly one member subscribed to it; nothing
     * else is assigned; every member of the spec is in the result.
     */
    static void assertValid(AssignmentSpec spec, Map<String, Map<Uuid, Set<Integer>>> result) {
        assertThat(result.keySet()).isEqualTo(spec.members().keySet());
        Map<Uuid, Map<Integer, String>> owners = new HashMap<>();
        result.forEach((member, assignment) -> assignment.forEach((topicId, partitions) -> {
            assertThat(spec.members().get(member).subscribedTopicIds()).as("subscription of " + member)
                    .contains(topicId);
            partitions.forEach(p -> {
                assertThat(p).isBetween(0, spec.partitionCounts().get(topicId) - 1);
                String previous = owners.computeIfAbsent(topicId, t -> new HashMap<>()).put(p, member);
                assertThat(previous).as("partition %s-%d assigned twice", topicId, p).isNull();
            });
        }));
        spec.partitionCounts().forEach((topicId, count) -> {
            boolean subscribed = spec.members().values().stream()
                    .anyMatch(m -> m.subscribedTopicIds().contains(topicId));
            assertThat(owners.getOrDefault(topicId, Map.of())).hasSize(subscribed ? count : 0);
        });
    }

    static int size(Map<Uuid, Set<Integer>> assignment) {
        return assignment.values().stream().mapToInt(Set::size).sum();
    }
}
