package io.runnel.cli;

import org.apache.kafka.common.utils.Time;

import java.util.concurrent.TimeUnit;

/** A clock that moves forward by a fixed step each time it is read; never sleeps. */
public final class TickingTime implements Time {
    private final long stepMs;
    private long nowMs;

    public TickingTime(long stepMs) {
        this.stepMs = stepMs;
    }

    @Override
    public synchronized long milliseconds() {
        nowMs += stepMs;
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return TimeUnit.MILLISECONDS.toNanos(milliseconds());
    }

    @Override
    public synchronized void sleep(long ms) {
        nowMs += ms;
    }
}
