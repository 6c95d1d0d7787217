package io.runnel.metadata.record;

import io.runnel.metadata.PartitionRegistration;
import org.apache.kafka.common.Uuid;

import java.util.List;

/** The full registration of one partition (new, or replacing the previous one). */
public record PartitionRecord(Uuid topicId, int partitionId, PartitionRegistration registration)
        implements MetadataRecord {
    /** A new partition's record, not being reassigned and without eligible leader replicas. */
    public PartitionRecord(Uuid topicId, int partitionId, List<Integer> replicas, List<Integer> isr, int leader,
                           int leaderEpoch, int partitionEpoch) {
        this(topicId, partitionId, new PartitionRegistration(replicas, isr, leader, leaderEpoch, partitionEpoch));
    }
}
