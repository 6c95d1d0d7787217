package io.runnel.coordinator.group.assignor;

import org.apache.kafka.common.Uuid;

import java.util.Map;
import java.util.Set;

/**
 * The input of an assignor.
 *
 * @param members         member id to what it subscribes to and what it was last given
 * @param partitionCounts number of partitions of every topic some member subscribes to; a topic a
 *                        member names that is missing here is ignored
 */
public record AssignmentSpec(Map<String, MemberSpec> members, Map<Uuid, Integer> partitionCounts) {

    public AssignmentSpec {
        members = Map.copyOf(members);
        partitionCounts = Map.copyOf(partitionCounts);
    }

    /**
     * One member as an assignor sees it.
     *
     * @param instanceId         the member's {@code group.instance.id}, or null (a dynamic member)
     * @param subscribedTopicIds the topics the member subscribes to (resolved from names and regex)
     * @param currentTarget      the member's previous target assignment, for stickiness
     */
    public record MemberSpec(String instanceId, Set<Uuid> subscribedTopicIds,
                             Map<Uuid, Set<Integer>> currentTarget) {

        public MemberSpec {
            subscribedTopicIds = Set.copyOf(subscribedTopicIds);
            currentTarget = Assignments.copyOf(currentTarget);
        }
    }
}
