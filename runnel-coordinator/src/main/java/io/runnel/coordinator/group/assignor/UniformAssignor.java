package io.runnel.coordinator.group.assignor;

import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The {@code uniform} assignor (the default): spreads partitions evenly over the members and
 * moves as few partitions as it can from one assignment to the next.
 *
 * <p>Three steps: (1) every member keeps the partitions of its current target that still exist
 * and that it still subscribes to; (2) every partition left over goes to the least loaded member
 * subscribed to its topic; (3) while a member holds a partition that a subscriber of its topic
 * with at least two partitions fewer could take, one such partition of the most loaded such
 * member moves. Each move lowers the sum of squared member loads, so step 3 ends. When all
 * members subscribe to the same topics, loads end up differing by at most one, and a member that
 * stays keeps {@code min(old count, new count)} of its partitions (it never gives one and takes
 * another). With different subscriptions the result is balanced as far as single moves can
 * improve it. Ties go to the smaller member id, so the result depends only on the spec.
 */
public final class UniformAssignor implements PartitionAssignor {

    public static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec) {
        return new Run(spec).assign();
    }

    /** The working state of one assignment: owner index per partition, load per member. */
    private static final class Run {
        private final List<String> memberIds;
        private final List<AssignmentSpec.MemberSpec> members = new ArrayList<>();
        private final Map<Uuid, int[]> owners = new TreeMap<>();
        private final Map<Uuid, int[]> eligibleMembers = new HashMap<>();
        private final int[] loads;

        Run(AssignmentSpec spec) {
            memberIds = spec.members().keySet().stream().sorted().toList();
            memberIds.forEach(id -> members.add(spec.members().get(id)));
            loads = new int[memberIds.size()];
            spec.partitionCounts().forEach((topicId, count) -> {
                int[] eligible = IntStream.range(0, members.size())
                        .filter(i -> members.get(i).subscribedTopicIds().contains(topicId)).toArray();
                if (eligible.length > 0) {
                    int[] topicOwners = new int[count];
                    Arrays.fill(topicOwners, -1);
                    owners.put(topicId, topicOwners);
                    eligibleMembers.put(topicId, eligible);
                }
            });
        }

        Map<String, Map<Uuid, Set<Integer>>> assign() {
            keepCurrentTargets();
            assignLeftovers();
            while (moveOnePartition()) {
                // each move lowers the sum of squared loads, so this ends
            }
            return result();
        }

        private void keepCurrentTargets() {
            for (int member = 0; member < members.size(); member++) {
                AssignmentSpec.MemberSpec spec = members.get(member);
                for (Map.Entry<Uuid, Set<Integer>> topic : new TreeMap<>(spec.currentTarget()).entrySet()) {
                    int[] topicOwners = owners.get(topic.getKey());
                    if (topicOwners == null || !spec.subscribedTopicIds().contains(topic.getKey())) {
                        continue;
                    }
                    for (int partition : topic.getValue()) {
                        if (partition < topicOwners.length && topicOwners[partition] == -1) {
                            topicOwners[partition] = member;
                            loads[member]++;
                        }
                    }
                }
            }
        }

        private void assignLeftovers() {
            owners.forEach((topicId, topicOwners) -> {
                for (int partition = 0; partition < topicOwners.length; partition++) {
                    if (topicOwners[partition] == -1) {
                        int member = leastLoaded(eligibleMembers.get(topicId));
                        topicOwners[partition] = member;
                        loads[member]++;
                    }
                }
            });
        }

        /**
         * Moves one partition from the most loaded member that has one to give to the least loaded
         * subscriber of its topic, if that one has at least two partitions fewer. Moving from the
         * most loaded member first means a member that gives never receives, and the reverse.
         */
        private boolean moveOnePartition() {
            Integer[] mostLoadedFirst = IntStream.range(0, members.size()).boxed()
                    .sorted(Comparator.comparingInt((Integer m) -> -loads[m]).thenComparing(m -> m))
                    .toArray(Integer[]::new);
            for (int member : mostLoadedFirst) {
                for (Map.Entry<Uuid, int[]> topic : owners.entrySet()) {
                    int[] topicOwners = topic.getValue();
                    int[] eligible = eligibleMembers.get(topic.getKey());
                    int target = leastLoaded(eligible);
                    if (loads[member] - loads[target] <= 1) {
                        continue;
                    }
                    for (int partition = topicOwners.length - 1; partition >= 0; partition--) {
                        if (topicOwners[partition] == member) {
                            topicOwners[partition] = target;
                            loads[member]--;
                            loads[target]++;
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        private int leastLoaded(int[] candidates) {
            int best = candidates[0];
            for (int candidate : candidates) {
                if (loads[candidate] < loads[best]) {
                    best = candidate;
                }
            }
            return best;
        }

        private Map<String, Map<Uuid, Set<Integer>>> result() {
            List<Map<Uuid, Set<Integer>>> byMember = new ArrayList<>();
            memberIds.forEach(id -> byMember.add(new HashMap<>()));
            owners.forEach((topicId, topicOwners) -> {
                for (int partition = 0; partition < topicOwners.length; partition++) {
                    byMember.get(topicOwners[partition])
                            .computeIfAbsent(topicId, t -> new HashSet<>()).add(partition);
                }
            });
            Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
            for (int member = 0; member < memberIds.size(); member++) {
                result.put(memberIds.get(member), Assignments.copyOf(byMember.get(member)));
            }
            return result;
        }
    }
}
