package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.record.PartitionRecord;
import org.apache.kafka.common.Uuid;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks on replica assignments shared by topic and partition creation. Stateless. */
final class Placement {
    private Placement() {
    }

    /** Registered, unfenced brokers, sorted by id: where new replicas may be placed. */
    static List<BrokerRegistration> usableBrokers(MetadataImage image) {
        return image.brokers().values().stream()
                .filter(b -> !b.fenced())
                .sorted(Comparator.comparingInt(BrokerRegistration::id))
                .toList();
    }

    /** The INVALID_REPLICATION_FACTOR message for a factor above the usable brokers, or null if it fits. */
    static String replicationFactorProblem(int replicationFactor, int usableBrokers) {
        if (replicationFactor <= usableBrokers) {
            return null;
        }
        return "Unable to replicate the partition " + replicationFactor + " time(s): The target replication factor of "
                + replicationFactor + " cannot be reached because only " + usableBrokers + " broker(s) are registered.";
    }

    /** Why a manual replica list is unacceptable (INVALID_REPLICA_ASSIGNMENT), or null if it is fine. */
    static String assignmentProblem(MetadataImage image, List<Integer> replicas) {
        if (replicas.isEmpty()) {
            return "The manual partition assignment includes an empty replica list.";
        }
        Set<Integer> seen = new HashSet<>();
        for (int broker : replicas) {
            if (!seen.add(broker)) {
                return "The manual partition assignment includes the broker " + broker + " more than once.";
            }
            if (!image.brokers().containsKey(broker)) {
                return "The manual partition assignment includes broker " + broker
                        + ", but no broker with that id is registered.";
            }
        }
        return null;
    }

    /** A new partition led by its first replica, every replica in sync, epochs 0. */
    static PartitionRecord newPartition(Uuid topicId, int partition, List<Integer> replicas) {
        return new PartitionRecord(topicId, partition, replicas, replicas, replicas.get(0), 0, 0);
    }
}
