package io.runnel.broker.api;

import io.runnel.broker.replica.Partition;
import io.runnel.broker.replica.ReplicaManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The leader-only partition lookup most handlers share: the partition if this broker leads it,
 * else the error to answer with.
 */
record PartitionLookup(Partition partition, Errors error) {

    static PartitionLookup leader(ReplicaManager replicas, TopicPartition tp) {
        Partition partition = replicas.partition(tp).orElse(null);
        if (partition == null) {
            return new PartitionLookup(null, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (!partition.isLeader()) {
            return new PartitionLookup(partition, Errors.NOT_LEADER_OR_FOLLOWER);
        }
        return new PartitionLookup(partition, Errors.NONE);
    }

    /** As {@link #leader}, and also checks the client's current leader epoch (-1 skips it). */
    static PartitionLookup leader(ReplicaManager replicas, TopicPartition tp, int currentLeaderEpoch) {
        PartitionLookup lookup = leader(replicas, tp);
        if (lookup.error != Errors.NONE) {
            return lookup;
        }
        return new PartitionLookup(lookup.partition, lookup.partition.checkLeaderEpoch(currentLeaderEpoch));
    }
}
