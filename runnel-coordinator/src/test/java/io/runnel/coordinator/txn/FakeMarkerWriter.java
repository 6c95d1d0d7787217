package io.runnel.coordinator.txn;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A marker writer that records each call; calls complete at once unless {@link #hold} is set, or
 * fail once after {@link #failNext}. Thread-safe.
 */
final class FakeMarkerWriter implements TransactionMarkerWriter {
    private final List<Call> calls = new ArrayList<>();
    private volatile boolean hold;
    private volatile boolean failNext;

    record Call(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
                Set<TopicPartition> partitions, CompletableFuture<Void> written) {
    }

    @Override
    public synchronized CompletableFuture<Void> writeMarkers(long producerId, short producerEpoch, boolean commit,
                                                             int coordinatorEpoch,
                                                             Collection<TopicPartition> partitions) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        calls.add(new Call(producerId, producerEpoch, commit, coordinatorEpoch, Set.copyOf(partitions), written));
        if (failNext) {
            failNext = false;
            written.completeExceptionally(new IllegalStateException("test: marker write failed"));
        } else if (!hold) {
            written.complete(null);
        }
        return written;
    }

    void hold(boolean hold) {
        this.hold = hold;
    }

    void failNext() {
        failNext = true;
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized Call last() {
        return calls.get(calls.size() - 1);
    }

    /** Completes every held call. */
    void releaseAll() {
        calls().forEach(c -> c.written().complete(null));
    }
}
