package io.runnel.broker.purgatory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request parked until a condition holds or its deadline passes (a long-poll fetch waiting for
 * data, an acks=all produce waiting for the high watermark).
 *
 * <p>{@link #tryComplete} may be called from several threads at once (any append to a watched
 * partition); {@link #onComplete} runs exactly once, on whichever thread completes it.
 */
public abstract class DelayedOperation {
    private final AtomicBoolean completed = new AtomicBoolean();
    private final long delayMs;
    private volatile ScheduledFuture<?> timeout;
    private volatile Runnable onDone = () -> { };

    protected DelayedOperation(long delayMs) {
        this.delayMs = delayMs;
    }

    public long delayMs() {
        return delayMs;
    }

    public boolean isCompleted() {
        return completed.get();
    }

    /** Checks the condition and calls {@link #forceComplete} if it holds; returns whether it is now complete. */
    public abstract boolean tryComplete();

    /** Builds and sends the result; runs once. */
    protected abstract void onComplete();

    /** Completes the operation if nobody else has; true if this call did it. */
    public final boolean forceComplete() {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
        try {
            onComplete();
        } finally {
            onDone.run();
        }
        return true;
    }

    void armed(ScheduledFuture<?> timeout, Runnable onDone) {
        this.onDone = onDone;
        this.timeout = timeout;
        if (completed.get()) {
            timeout.cancel(false);
        }
    }
}
