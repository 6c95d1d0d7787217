package io.runnel.metadata.record;

import org.apache.kafka.common.Uuid;

import java.util.List;

/**
 * A change of an existing partition's leadership or ISR (ISR shrink or expansion, leader
 * election): the new ISR, leader (-1 = none) and epochs. Replicas are unchanged. It carries the
 * full new values ("set" semantics), unlike Kafka's PartitionChangeRecord, whose fields mean
 * "unchanged" when absent. Replay ignores it if the partition does not exist.
 */
public record PartitionChangeRecord(Uuid topicId, int partitionId, List<Integer> isr, int leader, int leaderEpoch,
                                    int partitionEpoch) implements MetadataRecord {
    public PartitionChangeRecord {
        isr = List.copyOf(isr);
    }
}
