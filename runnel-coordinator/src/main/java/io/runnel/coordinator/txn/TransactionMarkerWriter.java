package io.runnel.coordinator.txn;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a transaction's COMMIT or ABORT markers to the leaders of its partitions (Kafka's
 * WriteTxnMarkers). Implemented by the broker; the coordinator calls it after its
 * Prepare{Commit,Abort} record committed and writes the Complete record once it completes.
 *
 * <p>Thread-safety: implementations must be safe for concurrent use; the coordinator calls it
 * from shard threads and must not be blocked.
 */
public interface TransactionMarkerWriter {

    /**
     * Writes the markers; the future completes when every partition has its marker (or its topic is
     * gone). Retriable errors (leader moves, not enough replicas) are retried inside; the future
     * fails only when the coordinator no longer matters (e.g. it lost its partition:
     * {@code coordinatorEpoch} is fenced), in which case the next coordinator resumes the markers.
     *
     * @param producerEpoch    the epoch the markers carry (the bumped epoch for transaction version 2)
     * @param coordinatorEpoch the leader epoch of the coordinator's {@code __transaction_state} partition
     */
    CompletableFuture<Void> writeMarkers(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                                         Collection<TopicPartition> partitions);
}
