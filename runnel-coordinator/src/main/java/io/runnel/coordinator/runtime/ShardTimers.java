package io.runnel.coordinator.runtime;

import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The timers of one shard: deadlines on the injected {@link Time} (milliseconds), polled by the
 * runtime's tick on the shard's thread. A handful of timers per group, so a map scanned per tick
 * is enough; a timer wheel would pay off only with hundreds of thousands of members.
 *
 * <p>Thread-safety: confined to the shard's thread.
 */
final class ShardTimers implements CoordinatorTimer {
    private final Time time;
    private final Map<String, Timer> timers = new HashMap<>();

    ShardTimers(Time time) {
        this.time = time;
    }

    @Override
    public void schedule(String key, long delayMs, Supplier<CoordinatorResult<Void>> operation) {
        timers.put(key, new Timer(time.milliseconds() + Math.max(0, delayMs), operation));
    }

    @Override
    public void cancel(String key) {
        timers.remove(key);
    }

    @Override
    public boolean isScheduled(String key) {
        return timers.containsKey(key);
    }

    /** Removes and returns the operations whose deadline has passed, earliest first. */
    List<Supplier<CoordinatorResult<Void>>> expire() {
        long now = time.milliseconds();
        List<Timer> expired = new ArrayList<>(0);
        for (Iterator<Timer> it = timers.values().iterator(); it.hasNext(); ) {
            Timer timer = it.next();
            if (timer.deadlineMs <= now) {
                expired.add(timer);
                it.remove();
            }
        }
        expired.sort((a, b) -> Long.compare(a.deadlineMs, b.deadlineMs));
        List<Supplier<CoordinatorResult<Void>>> operations = new ArrayList<>(expired.size());
        expired.forEach(t -> operations.add(t.operation));
        return operations;
    }

    void clear() {
        timers.clear();
    }

    private record Timer(long deadlineMs, Supplier<CoordinatorResult<Void>> operation) {
    }
}
