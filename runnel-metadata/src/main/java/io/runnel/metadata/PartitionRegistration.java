package io.runnel.metadata;

import java.util.List;

/**
 * Where a partition lives: replicas (preferred leader first), in-sync replicas, leader (-1 if
 * none), the leader epoch (bumped on every leader change) and the partition epoch (bumped on
 * every change of this registration). Immutable.
 */
public record PartitionRegistration(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch,
                                    int partitionEpoch) {
}
