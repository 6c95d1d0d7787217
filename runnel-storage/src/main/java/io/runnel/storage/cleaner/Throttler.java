package io.runnel.storage.cleaner;

import org.apache.kafka.common.utils.Time;

/**
 * Limits the cleaner's I/O to {@code log.cleaner.io.max.bytes.per.second}: callers report the
 * bytes they read or wrote, and once per check interval the caller that finds the rate above
 * the limit sleeps (through {@link Time#sleep}) until it is back under it.
 *
 * <p>Thread-safe: shared by all cleaner threads, so the limit is for all of them together.
 */
final class Throttler {
    private static final long CHECK_INTERVAL_MS = 300;

    private final double maxBytesPerSecond;
    private final Time time;
    private long periodStartMs;
    private long bytesInPeriod;

    Throttler(double maxBytesPerSecond, Time time) {
        this.maxBytesPerSecond = maxBytesPerSecond;
        this.time = time;
        this.periodStartMs = time.milliseconds();
    }

    /** Accounts for {@code bytes} of I/O, sleeping if the rate since the period start is too high. */
    void maybeThrottle(long bytes) {
        if (maxBytesPerSecond >= Double.MAX_VALUE) {
            return;
        }
        long sleepMs = 0;
        synchronized (this) {
            bytesInPeriod += bytes;
            long elapsedMs = time.milliseconds() - periodStartMs;
            if (elapsedMs < CHECK_INTERVAL_MS && bytesInPeriod < maxBytesPerSecond) {
                return;
            }
            long neededMs = (long) (bytesInPeriod * 1000 / maxBytesPerSecond);
            sleepMs = Math.max(0, neededMs - elapsedMs);
            periodStartMs = time.milliseconds() + sleepMs;
            bytesInPeriod = 0;
        }
        if (sleepMs > 0) {
            time.sleep(sleepMs);
        }
    }
}
