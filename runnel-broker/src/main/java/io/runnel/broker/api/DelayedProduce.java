package io.runnel.broker.api;

import io.runnel.broker.purgatory.DelayedOperation;
import io.runnel.broker.replica.Partition;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An acks=all produce parked until the high watermark of every partition it appended to passes
 * its last appended offset, or until the request's {@code timeoutMs} (then REQUEST_TIMED_OUT for
 * the partitions still waiting). A partition whose ISR shrank below {@code min.insync.replicas}
 * meanwhile answers NOT_ENOUGH_REPLICAS_AFTER_APPEND; one whose leadership was lost answers
 * NOT_LEADER_OR_FOLLOWER (Kafka's DelayedProduce rules).
 *
 * <p>Thread-safety: {@link #tryComplete} only reads partition state; the partition answers are
 * written once, by {@link #onComplete}.
 */
final class DelayedProduce extends DelayedOperation {
    private final List<Waiting> waiting;
    private final CompletableFuture<Void> done;

    /** One appended partition: its answer so far, and the offset the high watermark must reach. */
    record Waiting(Partition partition, long requiredOffset, int appendEpoch, PartitionProduceResponse out) {
    }

    DelayedProduce(long timeoutMs, List<Waiting> waiting, CompletableFuture<Void> done) {
        super(timeoutMs);
        this.waiting = waiting;
        this.done = done;
    }

    @Override
    public boolean tryComplete() {
        for (int i = 0; i < waiting.size(); i++) {
            Waiting w = waiting.get(i);
            if (w.partition.acksAllResult(w.requiredOffset, w.appendEpoch) == null) {
                return false;
            }
        }
        return forceComplete();
    }

    @Override
    protected void onComplete() {
        for (int i = 0; i < waiting.size(); i++) {
            Waiting w = waiting.get(i);
            Errors result = w.partition.acksAllResult(w.requiredOffset, w.appendEpoch);
            Errors error = result == null ? Errors.REQUEST_TIMED_OUT : result;
            if (error != Errors.NONE) {
                w.out.setErrorCode(error.code()).setErrorMessage(error.message())
                        .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
            }
        }
        done.complete(null);
    }
}
