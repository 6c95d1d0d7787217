package io.runnel.metadata.controller;

import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.record.PartitionChangeRecord;
import org.apache.kafka.common.Uuid;

import java.util.List;
import java.util.Optional;

/**
 * The rules for changing a partition's leader and ISR, as Kafka's PartitionChangeBuilder applies
 * them (metadata version 3.6+): every change bumps the partition epoch once; a change of leader
 * also bumps the leader epoch once; an ISR change alone (shrink or expansion) keeps the leader
 * epoch. Stateless.
 */
final class PartitionLeadership {
    /** The leader id of a partition without a leader. */
    static final int NO_LEADER = -1;

    private PartitionLeadership() {
    }

    /** The record that moves {@code current} to {@code isr} and {@code leader}; empty when both are unchanged. */
    static Optional<PartitionChangeRecord> change(Uuid topicId, int partitionId, PartitionRegistration current,
                                                  List<Integer> isr, int leader) {
        boolean leaderChanges = leader != current.leader();
        if (!leaderChanges && isr.equals(current.isr())) {
            return Optional.empty();
        }
        return Optional.of(new PartitionChangeRecord(topicId, partitionId, isr, leader,
                leaderChanges ? current.leaderEpoch() + 1 : current.leaderEpoch(), current.partitionEpoch() + 1));
    }

    /** {@code registration} after {@code change}. */
    static PartitionRegistration apply(PartitionRegistration registration, PartitionChangeRecord change) {
        return new PartitionRegistration(registration.replicas(), change.isr(), change.leader(), change.leaderEpoch(),
                change.partitionEpoch());
    }
}
