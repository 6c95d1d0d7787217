package io.runnel.broker.replica;

import org.apache.kafka.common.utils.Time;

import java.util.function.IntPredicate;

/**
 * What every {@link Partition} of a broker shares for leading replication.
 *
 * @param time the clock of follower lag (Time.SYSTEM in production)
 * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms}: a follower not caught up for longer
 *     leaves the ISR
 * @param alterPartition where ISR changes go (the active controller)
 * @param listener told of high watermark and leadership changes
 * @param isrEligible whether a broker may join an ISR (registered and not fenced)
 * @param failedReplicas where a replica whose log write failed is recorded for the controller
 */
public record ReplicationContext(Time time, long replicaLagTimeMaxMs, AlterPartitionSender alterPartition,
                                 PartitionListener listener, IntPredicate isrEligible, FailedReplicas failedReplicas) {
}
