package io.runnel.broker.txn;

import io.runnel.broker.internal.DelayedCommit;
import io.runnel.broker.purgatory.Purgatory;
import io.runnel.broker.replica.Partition;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.storage.AppendInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Writes one transaction marker to a partition this broker leads, the leader side of
 * WriteTxnMarkers (Kafka's {@code KafkaApis.handleWriteTxnMarkersRequest}):
 * <ul>
 *   <li>a data partition gets a COMMIT/ABORT control batch appended as leader (with the epoch
 *       checks of {@link Partition#appendMarker}); parked fetches are told at once, and the answer
 *       waits, as an acks=all produce, until the high watermark passes the marker: a
 *       {@code read_committed} consumer sees the transaction decided only then, and the
 *       coordinator must not complete the transaction before;</li>
 *   <li>a {@code __consumer_offsets} partition goes through the group coordinator
 *       ({@link GroupCoordinator#completeTransaction}), which appends the marker through its shard
 *       and applies or drops the producer's pending offsets; its NOT_COORDINATOR,
 *       COORDINATOR_NOT_AVAILABLE and COORDINATOR_LOAD_IN_PROGRESS become NOT_LEADER_OR_FOLLOWER,
 *       which the transaction coordinator retries.</li>
 * </ul>
 * Thread-safety: safe for concurrent use; the partition log serializes appends.
 */
public final class LocalMarkers implements MarkerAppender {
    private static final Logger log = LoggerFactory.getLogger(LocalMarkers.class);

    private final ReplicaManager replicas;
    private final GroupCoordinator groups;
    private final Purgatory<TopicPartition> fetchPurgatory;
    private final Purgatory<TopicPartition> producePurgatory;
    private final long replicationTimeoutMs;

    /** @param replicationTimeoutMs how long a marker may wait for the ISR (Kafka: request.timeout.ms, 30000) */
    public LocalMarkers(ReplicaManager replicas, GroupCoordinator groups, Purgatory<TopicPartition> fetchPurgatory,
                        Purgatory<TopicPartition> producePurgatory, long replicationTimeoutMs) {
        this.replicas = replicas;
        this.groups = groups;
        this.fetchPurgatory = fetchPurgatory;
        this.producePurgatory = producePurgatory;
        this.replicationTimeoutMs = replicationTimeoutMs;
    }

    @Override
    public CompletableFuture<Errors> write(TopicPartition tp, long producerId, short producerEpoch, boolean commit,
                                          int coordinatorEpoch) {
        if (Topic.GROUP_METADATA_TOPIC_NAME.equals(tp.topic())) {
            try {
                return groups.completeTransaction(tp.partition(), producerId, producerEpoch, commit, coordinatorEpoch)
                        .handle((ok, e) -> e == null ? Errors.NONE : groupError(e));
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(groupError(e));
            }
        }
        Partition partition = replicas.partition(tp).orElse(null);
        if (partition == null) {
            return CompletableFuture.completedFuture(replicas.registration(tp).isPresent()
                    ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        int appendEpoch = partition.leaderEpoch();
        AppendInfo info;
        try {
            info = partition.appendMarker(producerId, producerEpoch, commit, coordinatorEpoch);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(toError(e, tp));
        }
        fetchPurgatory.checkAndComplete(tp);
        CompletableFuture<Void> replicated = new CompletableFuture<>();
        producePurgatory.tryCompleteElseWatch(new DelayedCommit(replicationTimeoutMs, partition, info.lastOffset() + 1,
                appendEpoch, replicated), List.of(tp));
        return replicated.handle((ok, e) -> e == null ? Errors.NONE : toError(e, tp));
    }

    private static Errors groupError(Throwable failure) {
        Errors error = toError(failure, null);
        return switch (error) {
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS -> Errors.NOT_LEADER_OR_FOLLOWER;
            default -> error;
        };
    }

    private static Errors toError(Throwable failure, TopicPartition tp) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return Errors.REQUEST_TIMED_OUT;
        }
        if (!(cause instanceof ApiException)) {
            log.error("Writing a transaction marker to {} failed", tp, cause);
        }
        return Errors.forException(cause);
    }
}
