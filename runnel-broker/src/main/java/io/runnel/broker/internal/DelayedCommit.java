package io.runnel.broker.internal;

import io.runnel.broker.purgatory.DelayedOperation;
import io.runnel.broker.replica.Partition;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * A coordinator write to its internal topic (or a transaction marker) waiting until the high watermark passes it
 * (the acks=all rule), at most the given timeout. Completes {@code committed}
 * normally, or exceptionally with NOT_ENOUGH_REPLICAS_AFTER_APPEND, NOT_LEADER_OR_FOLLOWER or a
 * timeout. Thread-safe as {@link DelayedOperation}.
 */
public final class DelayedCommit extends DelayedOperation {
    private final Partition partition;
    private final long requiredOffset;
    private final int appendEpoch;
    private final CompletableFuture<Void> committed;

    public DelayedCommit(long timeoutMs, Partition partition, long requiredOffset, int appendEpoch,
                  CompletableFuture<Void> committed) {
        super(timeoutMs);
        this.partition = partition;
        this.requiredOffset = requiredOffset;
        this.appendEpoch = appendEpoch;
        this.committed = committed;
    }

    @Override
    public boolean tryComplete() {
        return partition.acksAllResult(requiredOffset, appendEpoch) != null && forceComplete();
    }

    @Override
    protected void onComplete() {
        Errors result = partition.acksAllResult(requiredOffset, appendEpoch);
        if (result == Errors.NONE) {
            committed.complete(null);
        } else if (result == null) {
            committed.completeExceptionally(new TimeoutException("the high watermark of " + partition.topicPartition()
                    + " did not reach " + requiredOffset + " within " + delayMs() + " ms"));
        } else if (result == Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND) {
            committed.completeExceptionally(new NotEnoughReplicasAfterAppendException("the ISR of "
                    + partition.topicPartition() + " shrank below min.insync.replicas"));
        } else {
            committed.completeExceptionally(new NotLeaderOrFollowerException("this broker no longer leads "
                    + partition.topicPartition() + " in epoch " + appendEpoch));
        }
    }
}
