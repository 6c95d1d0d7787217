package io.runnel.metadata.record;

import io.runnel.metadata.PartitionRegistration;
import org.apache.kafka.common.Uuid;

import java.util.List;

/**
 * A change of an existing partition's leadership, ISR or eligible leader replicas (ISR shrink or
 * expansion, leader election): their new values and epochs. Replicas, and a reassignment in
 * progress, are unchanged (a {@link PartitionRecord} replaces those). It carries the full new
 * values ("set" semantics), unlike Kafka's PartitionChangeRecord, whose fields mean "unchanged"
 * when absent. Replay ignores it if the partition does not exist.
 */
public record PartitionChangeRecord(Uuid topicId, int partitionId, List<Integer> isr, int leader, int leaderEpoch,
                                    int partitionEpoch, List<Integer> elr, List<Integer> lastKnownElr)
        implements MetadataRecord {
    public PartitionChangeRecord {
        isr = List.copyOf(isr);
        elr = List.copyOf(elr);
        lastKnownElr = List.copyOf(lastKnownElr);
    }

    /** A change that leaves no eligible leader replicas. */
    public PartitionChangeRecord(Uuid topicId, int partitionId, List<Integer> isr, int leader, int leaderEpoch,
                                 int partitionEpoch) {
        this(topicId, partitionId, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of());
    }

    /** {@code registration} after this change. */
    public PartitionRegistration applyTo(PartitionRegistration registration) {
        return new PartitionRegistration(registration.replicas(), isr, leader, leaderEpoch, partitionEpoch,
                registration.addingReplicas(), registration.removingReplicas(), elr, lastKnownElr);
    }
}
