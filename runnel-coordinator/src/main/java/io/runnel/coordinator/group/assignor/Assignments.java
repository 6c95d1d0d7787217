package io.runnel.coordinator.group.assignor;

import org.apache.kafka.common.Uuid;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Helpers for assignments: partitions by topic id, as {@code Map<Uuid, Set<Integer>>}. An
 * assignment never holds a topic with an empty partition set, so two equal assignments compare
 * equal with {@link Map#equals}.
 */
public final class Assignments {

    private Assignments() {
    }

    /** An immutable copy without empty topics. */
    public static Map<Uuid, Set<Integer>> copyOf(Map<Uuid, ? extends Set<Integer>> assignment) {
        Map<Uuid, Set<Integer>> copy = new HashMap<>();
        assignment.forEach((topicId, partitions) -> {
            if (!partitions.isEmpty()) {
                copy.put(topicId, Set.copyOf(partitions));
            }
        });
        return Map.copyOf(copy);
    }
}
