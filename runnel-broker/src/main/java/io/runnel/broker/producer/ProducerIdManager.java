package io.runnel.broker.producer;

import io.runnel.coordinator.txn.ProducerIdSource;
import io.runnel.metadata.Controller;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * Hands out producer ids from blocks that the controller allocates (a ProducerIdsRecord each), so
 * ids are unique across the cluster and across restarts. The next block is requested when the
 * current one is 90% used, so InitProducerId rarely waits for the controller. Serves idempotent
 * producers directly and the transaction coordinator as its {@link ProducerIdSource}.
 *
 * <p>Thread-safe: all state is guarded by this object's monitor.
 */
public final class ProducerIdManager implements ProducerIdSource {
    public static final int BLOCK_SIZE = 1000;

    private final int brokerId;
    private final Controller controller;
    private final Queue<CompletableFuture<Long>> waiting = new ArrayDeque<>();
    private long next;
    private long end;
    private long prefetchedBlockStart = -1;
    private boolean requestInFlight;

    public ProducerIdManager(int brokerId, Controller controller) {
        this.brokerId = brokerId;
        this.controller = controller;
    }

    /** The next producer id; completes exceptionally if the controller cannot allocate a block. */
    @Override
    public synchronized CompletableFuture<Long> nextProducerId() {
        if (next >= end && prefetchedBlockStart >= 0) {
            next = prefetchedBlockStart;
            end = next + BLOCK_SIZE;
            prefetchedBlockStart = -1;
        }
        if (next < end) {
            long id = next++;
            if (end - next < BLOCK_SIZE / 10 && prefetchedBlockStart < 0) {
                requestBlock();
            }
            return CompletableFuture.completedFuture(id);
        }
        CompletableFuture<Long> result = new CompletableFuture<>();
        waiting.add(result);
        requestBlock();
        return result;
    }

    private void requestBlock() {
        if (requestInFlight) {
            return;
        }
        requestInFlight = true;
        controller.allocateProducerIds(brokerId, BLOCK_SIZE).whenComplete(this::onBlock);
    }

    private synchronized void onBlock(Long first, Throwable error) {
        requestInFlight = false;
        if (error != null) {
            CompletableFuture<Long> w;
            while ((w = waiting.poll()) != null) {
                w.completeExceptionally(error);
            }
            return;
        }
        if (next < end) {
            prefetchedBlockStart = first;
            return;
        }
        next = first;
        end = first + BLOCK_SIZE;
        CompletableFuture<Long> w;
        while (next < end && (w = waiting.poll()) != null) {
            w.complete(next++);
        }
        if (!waiting.isEmpty()) {
            requestBlock();
        }
    }
}
