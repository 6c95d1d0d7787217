package io.runnel.metadata;

import java.util.List;

/**
 * Where a partition lives: replicas (preferred leader first), in-sync replicas, leader (-1 if
 * none), the leader epoch (bumped on every leader change) and the partition epoch (bumped on
 * every change of this registration). During a reassignment {@code replicas} is the union of the
 * old and new sets and {@code addingReplicas}/{@code removingReplicas} say which of them come and
 * go (Kafka's PartitionRegistration). {@code elr} are the eligible leader replicas of KIP-966 (out
 * of the ISR but holding every committed record) and {@code lastKnownElr} the replicas that last
 * were, kept for an unclean recovery. Immutable.
 */
public record PartitionRegistration(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch,
                                    int partitionEpoch, List<Integer> addingReplicas, List<Integer> removingReplicas,
                                    List<Integer> elr, List<Integer> lastKnownElr) {
    public PartitionRegistration {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
        elr = List.copyOf(elr);
        lastKnownElr = List.copyOf(lastKnownElr);
    }

    /** A partition that is not being reassigned and has no eligible leader replicas. */
    public PartitionRegistration(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch,
                                 int partitionEpoch) {
        this(replicas, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of(), List.of(), List.of());
    }

    /** True while replicas are being added or removed. */
    public boolean isReassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }
}
