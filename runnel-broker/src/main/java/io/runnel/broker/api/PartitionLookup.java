package io.runnel.broker.api;

import io.runnel.broker.replica.Partition;
import io.runnel.broker.replica.ReplicaManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The leader-only partition lookup most handlers share: the partition if this broker leads it,
 * else the error to answer with, as Kafka's {@code Partition.localLogWithEpochOrThrow}: a
 * partition the metadata knows but this broker holds no replica of is NOT_LEADER_OR_FOLLOWER,
 * one the metadata does not know UNKNOWN_TOPIC_OR_PARTITION.
 */
record PartitionLookup(Partition partition, Errors error) {

    static PartitionLookup leader(ReplicaManager replicas, TopicPartition tp) {
        return leader(replicas, tp, -1);
    }

    /**
     * As {@link #leader(ReplicaManager, TopicPartition)}, checking the client's current leader
     * epoch first (-1 skips it): older than this replica's is FENCED_LEADER_EPOCH, newer
     * UNKNOWN_LEADER_EPOCH, whether or not this broker leads.
     */
    static PartitionLookup leader(ReplicaManager replicas, TopicPartition tp, int currentLeaderEpoch) {
        Partition partition = replicas.partition(tp).orElse(null);
        if (partition == null) {
            return new PartitionLookup(null, replicas.registration(tp).isPresent()
                    ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        Errors epochError = partition.checkLeaderEpoch(currentLeaderEpoch);
        if (epochError != Errors.NONE) {
            return new PartitionLookup(partition, epochError);
        }
        return new PartitionLookup(partition, partition.isLeader() ? Errors.NONE : Errors.NOT_LEADER_OR_FOLLOWER);
    }
}
