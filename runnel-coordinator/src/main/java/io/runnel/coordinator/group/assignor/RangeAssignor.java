package io.runnel.coordinator.group.assignor;

import org.apache.kafka.common.Uuid;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code range} assignor: per topic, contiguous ranges of partitions over the members that
 * subscribe to it, in a fixed member order (instance id when the member has one, else member id).
 * Of {@code n} partitions and {@code k} members, the first {@code n % k} members get
 * {@code n / k + 1} partitions, the others {@code n / k}.
 *
 * <p>Why: members that subscribe to the same topics get the same partition numbers of every topic
 * with the same partition count (co-partitioning, for joins), as with Kafka's server-side range
 * assignor. It is not sticky beyond that: ranges are recomputed when the membership changes, and
 * static members (ordered by instance id) keep their ranges across restarts.
 */
public final class RangeAssignor implements PartitionAssignor {

    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec) {
        Map<String, Map<Uuid, Set<Integer>>> working = new HashMap<>();
        spec.members().keySet().forEach(id -> working.put(id, new HashMap<>()));
        Comparator<String> order = Comparator.comparing((String id) -> sortKey(id, spec.members().get(id)))
                .thenComparing(id -> id);
        spec.partitionCounts().forEach((topicId, partitionCount) -> {
            List<String> subscribers = spec.members().entrySet().stream()
                    .filter(e -> e.getValue().subscribedTopicIds().contains(topicId))
                    .map(Map.Entry::getKey).sorted(order).toList();
            if (subscribers.isEmpty()) {
                return;
            }
            int quota = partitionCount / subscribers.size();
            int withExtra = partitionCount % subscribers.size();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int length = quota + (i < withExtra ? 1 : 0);
                Set<Integer> range = new HashSet<>();
                for (int partition = next; partition < next + length; partition++) {
                    range.add(partition);
                }
                next += length;
                working.get(subscribers.get(i)).put(topicId, range);
            }
        });
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        working.forEach((id, assignment) -> result.put(id, Assignments.copyOf(assignment)));
        return result;
    }

    private static String sortKey(String memberId, AssignmentSpec.MemberSpec member) {
        return member.instanceId() != null ? member.instanceId() : memberId;
    }
}
