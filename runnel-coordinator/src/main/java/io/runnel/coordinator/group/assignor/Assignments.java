package io.runnel.coordinator.group.assignor;

import org.apache.kafka.common.Uuid;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

    /** Number of partitions in {@code assignment}. */
    public static int size(Map<Uuid, Set<Integer>> assignment) {
        int size = 0;
        for (Set<Integer> partitions : assignment.values()) {
            size += partitions.size();
        }
        return size;
    }

    /** Whether {@code assignment} holds {@code partition} of {@code topicId}. */
    public static boolean contains(Map<Uuid, Set<Integer>> assignment, Uuid topicId, int partition) {
        Set<Integer> partitions = assignment.get(topicId);
        return partitions != null && partitions.contains(partition);
    }

    /** The partitions of {@code topicId} in {@code assignment}, ascending (for stable output). */
    public static TreeSet<Integer> sortedPartitions(Map<Uuid, Set<Integer>> assignment, Uuid topicId) {
        return new TreeSet<>(assignment.getOrDefault(topicId, Set.of()));
    }
}
