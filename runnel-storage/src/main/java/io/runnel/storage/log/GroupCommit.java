package io.runnel.storage.log;

import org.apache.kafka.common.errors.KafkaStorageException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Group commit for one log: callers that ask for an fsync while none is queued queue one on the
 * flusher; callers arriving before it starts share it. Once it starts (and has captured the
 * log end offset it will cover), the next caller queues a new one. So every batch appended
 * before a {@link #request()} is covered by the fsync its future waits for.
 *
 * <p>Thread-safe.
 */
final class GroupCommit {
    private final Executor flusher;
    private final Runnable flush;
    private CompletableFuture<Void> pending;

    /** @param flush the fsync to run; throws {@link KafkaStorageException} on failure */
    GroupCommit(Executor flusher, Runnable flush) {
        this.flusher = flusher;
        this.flush = flush;
    }

    CompletableFuture<Void> request() {
        CompletableFuture<Void> future;
        boolean schedule = false;
        synchronized (this) {
            if (pending == null) {
                pending = new CompletableFuture<>();
                schedule = true;
            }
            future = pending;
        }
        if (schedule) {
            try {
                flusher.execute(this::runPending);
            } catch (RejectedExecutionException e) {
                take().completeExceptionally(new KafkaStorageException("The log flusher has stopped", e));
            }
        }
        return future;
    }

    private void runPending() {
        CompletableFuture<Void> future = take();
        try {
            flush.run();
            future.complete(null);
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
    }

    private synchronized CompletableFuture<Void> take() {
        CompletableFuture<Void> future = pending;
        pending = null;
        return future;
    }
}
