package io.runnel.coordinator.group;

import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Offsets committed in open transactions (TxnOffsetCommit), per producer, until the producer's
 * marker: Kafka's pending transactional offsets. A producer's later offset for the same group
 * and partition replaces its earlier one. Each offset carries the replay order of its record, so
 * a COMMIT can apply it only over an older committed offset (see {@link OffsetStore}).
 *
 * <p>Thread-safety: confined to the shard's thread.
 */
final class PendingTxnOffsets {
    /** producer id -> group id -> partition -> pending offset. */
    private final Map<Long, Map<String, Map<TopicPartition, Pending>>> byProducer = new HashMap<>();
    /** group id -> producers with a pending offset in that group. */
    private final Map<String, Set<Long>> producersByGroup = new HashMap<>();

    /** A pending offset and the replay order of its record. */
    record Pending(OffsetAndMetadata offset, long order) {
    }

    void add(long producerId, String groupId, TopicPartition tp, Pending pending) {
        byProducer.computeIfAbsent(producerId, p -> new HashMap<>())
                .computeIfAbsent(groupId, g -> new HashMap<>()).put(tp, pending);
        producersByGroup.computeIfAbsent(groupId, g -> new HashSet<>()).add(producerId);
    }

    /** Drops every producer's pending offset of the partition (an offset tombstone: the offset is deleted). */
    void remove(String groupId, TopicPartition tp) {
        Set<Long> producers = producersByGroup.get(groupId);
        if (producers == null) {
            return;
        }
        for (Long producerId : producers) {
            Map<String, Map<TopicPartition, Pending>> groups = byProducer.get(producerId);
            Map<TopicPartition, Pending> partitions = groups.get(groupId);
            partitions.remove(tp);
        }
    }

    /** Removes and returns the producer's pending offsets (group id -> partition -> offset); empty if none. */
    Map<String, Map<TopicPartition, Pending>> end(long producerId) {
        Map<String, Map<TopicPartition, Pending>> groups = byProducer.remove(producerId);
        if (groups == null) {
            return Map.of();
        }
        for (String groupId : groups.keySet()) {
            Set<Long> producers = producersByGroup.get(groupId);
            producers.remove(producerId);
            if (producers.isEmpty()) {
                producersByGroup.remove(groupId);
            }
        }
        return groups;
    }

    /** Whether an open transaction holds an offset of the group's partition (OffsetFetch require_stable). */
    boolean isPending(String groupId, TopicPartition tp) {
        Set<Long> producers = producersByGroup.get(groupId);
        if (producers == null) {
            return false;
        }
        for (Long producerId : producers) {
            if (byProducer.get(producerId).get(groupId).containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an open transaction committed offsets to the group (it must not expire meanwhile). */
    boolean hasOpenTransactions(String groupId) {
        return producersByGroup.containsKey(groupId);
    }

    /** The partitions of the group with a pending offset, over all its open transactions. */
    Set<TopicPartition> pendingPartitions(String groupId) {
        Set<TopicPartition> partitions = new HashSet<>();
        for (Long producerId : producersByGroup.getOrDefault(groupId, Set.of())) {
            partitions.addAll(byProducer.get(producerId).get(groupId).keySet());
        }
        return partitions;
    }
}
