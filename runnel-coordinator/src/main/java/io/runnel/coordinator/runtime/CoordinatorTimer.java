package io.runnel.coordinator.runtime;

import java.util.function.Supplier;

/**
 * Timers of one coordinator shard, driven by the runtime's injected {@code Time}. An expired
 * timer runs its operation on the shard's own thread, as a write: its records are appended and
 * replayed like those of a request.
 *
 * <p>Thread-safety: used only from the shard's thread.
 */
public interface CoordinatorTimer {

    /**
     * Schedules {@code operation} to run {@code delayMs} milliseconds from now; a timer already
     * scheduled under {@code key} is replaced.
     */
    void schedule(String key, long delayMs, Supplier<CoordinatorResult<Void>> operation);

    /** Cancels the timer under {@code key}, if any. */
    void cancel(String key);

    boolean isScheduled(String key);
}
