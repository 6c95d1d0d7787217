package io.runnel.coordinator.txn;

import org.apache.kafka.common.TopicPartition;

import java.util.Set;

/**
 * The markers a transaction in PrepareCommit or PrepareAbort still has to write, and under which
 * identity: once they are written, the shard records the Complete state if the transaction is
 * still the one described here.
 *
 * @param producerEpoch    the epoch the markers carry (bumped by the end for transaction version 2)
 * @param coordinatorEpoch the leader epoch of the {@code __transaction_state} partition that decided
 */
public record PendingMarkers(String transactionalId, long producerId, short producerEpoch, boolean commit,
                             int coordinatorEpoch, Set<TopicPartition> partitions) {

    public PendingMarkers {
        partitions = Set.copyOf(partitions);
    }

    /** The markers of {@code m}, which must be in a Prepare state. */
    static PendingMarkers of(TransactionMetadata m, int coordinatorEpoch) {
        return new PendingMarkers(m.transactionalId(), m.producerId(), m.producerEpoch(),
                m.state() == TransactionState.PREPARE_COMMIT, coordinatorEpoch, m.partitions());
    }
}
