package io.runnel.coordinator.group;

import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorTimer;
import io.runnel.testkit.ManualTime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Timers on a {@link ManualTime}; {@link #expired} hands back due operations, earliest first. */
final class FakeTimer implements CoordinatorTimer {
    private final ManualTime time;
    private final Map<String, Entry> timers = new HashMap<>();

    FakeTimer(ManualTime time) {
        this.time = time;
    }

    @Override
    public void schedule(String key, long delayMs, Supplier<CoordinatorResult<Void>> operation) {
        timers.put(key, new Entry(time.milliseconds() + delayMs, operation));
    }

    @Override
    public void cancel(String key) {
        timers.remove(key);
    }

    @Override
    public boolean isScheduled(String key) {
        return timers.containsKey(key);
    }

    /** The first due operation (removed), or null. */
    Supplier<CoordinatorResult<Void>> nextExpired() {
        String first = null;
        for (var e : timers.entrySet()) {
            if (e.getValue().deadline <= time.milliseconds()
                    && (first == null || e.getValue().deadline < timers.get(first).deadline)) {
                first = e.getKey();
            }
        }
        return first == null ? null : timers.remove(first).operation;
    }

    List<String> keys() {
        return new ArrayList<>(timers.keySet());
    }

    private record Entry(long deadline, Supplier<CoordinatorResult<Void>> operation) {
    }
}
