package io.runnel.broker.purgatory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where {@link DelayedOperation}s wait. Each operation watches some keys (partitions); an event on
 * a key ({@link #checkAndComplete}) re-checks the operations watching it, and a timer completes
 * those whose deadline passes. Nothing polls and nothing sleeps.
 *
 * <p>Thread-safe. Owns one timer thread.
 *
 * @param <K> the watch key, e.g. TopicPartition
 */
public final class Purgatory<K> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Purgatory.class);

    private final ConcurrentHashMap<K, Set<DelayedOperation>> watchers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    public Purgatory(String name) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "purgatory-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Completes {@code op} now if it can; otherwise parks it on {@code keys} until an event
     * completes it or its delay expires (then it is force-completed).
     */
    public void tryCompleteElseWatch(DelayedOperation op, Collection<K> keys) {
        if (op.tryComplete()) {
            return;
        }
        for (K key : keys) {
            watchers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(op);
        }
        // An event between the first check and the watch would otherwise be missed.
        if (op.tryComplete()) {
            unwatch(op, keys);
            return;
        }
        var timeout = timer.schedule(() -> {
            try {
                op.forceComplete();
            } catch (RuntimeException e) {
                log.error("Delayed operation failed on expiry", e);
            }
        }, op.delayMs(), TimeUnit.MILLISECONDS);
        op.armed(timeout, () -> unwatch(op, keys));
        if (op.isCompleted()) {
            unwatch(op, keys); // completed by an event before it was armed
        }
    }

    /** Re-checks the operations watching {@code key}; cheap when nothing watches it. */
    public void checkAndComplete(K key) {
        Set<DelayedOperation> ops = watchers.get(key);
        if (ops == null) {
            return;
        }
        for (DelayedOperation op : ops) {
            if (!op.isCompleted()) {
                op.tryComplete();
            }
        }
    }

    /** Number of operations waiting on {@code key} (for tests and metrics). */
    public int watching(K key) {
        Set<DelayedOperation> ops = watchers.get(key);
        return ops == null ? 0 : ops.size();
    }

    private void unwatch(DelayedOperation op, Collection<K> keys) {
        for (K key : keys) {
            watchers.computeIfPresent(key, (k, ops) -> {
                ops.remove(op);
                return ops.isEmpty() ? null : ops;
            });
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
