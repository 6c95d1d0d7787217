package io.runnel.metadata.record;

import org.apache.kafka.common.Uuid;

import java.util.List;

/** The full registration of one partition (new, or replacing the previous one). */
public record PartitionRecord(Uuid topicId, int partitionId, List<Integer> replicas, List<Integer> isr, int leader,
                              int leaderEpoch, int partitionEpoch) implements MetadataRecord {
    public PartitionRecord {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }
}
