package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.runtime.CoordinatorResult;
import io.runnel.coordinator.runtime.CoordinatorTimer;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A {@link CoordinatorTimer} on a manual clock: timers run only inside {@link #advance}. */
final class FakeTimer implements CoordinatorTimer {

    private record Timer(long deadlineMs, long sequence, Supplier<CoordinatorResult<Void>> operation) {
    }

    private final Map<String, Timer> timers = new HashMap<>();
    private long nowMs;
    private long sequence;

    @Override
    public void schedule(String key, long delayMs, Supplier<CoordinatorResult<Void>> operation) {
        timers.put(key, new Timer(nowMs + delayMs, sequence++, operation));
    }

    @Override
    public void cancel(String key) {
        timers.remove(key);
    }

    @Override
    public boolean isScheduled(String key) {
        return timers.containsKey(key);
    }

    long nowMs() {
        return nowMs;
    }

    /**
     * Moves the clock forward, running every timer that comes due, in deadline order, each
     * result handed to {@code sink} before the next timer runs (as a shard would replay it).
     */
    void advance(long ms, Consumer<CoordinatorResult<Void>> sink) {
        long until = nowMs + ms;
        while (true) {
            Map.Entry<String, Timer> next = timers.entrySet().stream()
                    .filter(e -> e.getValue().deadlineMs() <= until)
                    .min((a, b) -> a.getValue().deadlineMs() != b.getValue().deadlineMs()
                            ? Long.compare(a.getValue().deadlineMs(), b.getValue().deadlineMs())
                            : Long.compare(a.getValue().sequence(), b.getValue().sequence()))
                    .orElse(null);
            if (next == null) {
                break;
            }
            timers.remove(next.getKey());
            nowMs = next.getValue().deadlineMs();
            sink.accept(next.getValue().operation().get());
        }
        nowMs = until;
    }
}
