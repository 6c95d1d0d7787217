package io.runnel.storage;

/**
 * Broker-wide settings of the log cleaner (Kafka's {@code log.cleaner.*} keys and defaults).
 *
 * @param enable run the cleaner for logs whose {@code cleanup.policy} contains {@code compact}
 *     ({@code log.cleaner.enable}, true)
 * @param threads cleaner threads ({@code log.cleaner.threads}, 1)
 * @param backoffMs sleep of a cleaner thread when no log needs cleaning, in ms ({@code log.cleaner.backoff.ms}, 15000)
 * @param dedupeBufferSize bytes of key-hash-to-offset map, shared by all threads
 *     ({@code log.cleaner.dedupe.buffer.size}, 128 MiB); grown on demand up to this bound
 * @param ioBufferSize bytes of the read and write buffers, shared by all threads
 *     ({@code log.cleaner.io.buffer.size}, 512 KiB; a buffer grows to fit a larger batch)
 * @param ioMaxBytesPerSecond cleaner reads plus writes per second, all threads together
 *     ({@code log.cleaner.io.max.bytes.per.second}, unlimited)
 */
public record CleanerSettings(boolean enable, int threads, long backoffMs, long dedupeBufferSize, int ioBufferSize,
                              double ioMaxBytesPerSecond) {
    /** Kafka's defaults. */
    public static final CleanerSettings DEFAULTS = new CleanerSettings(true, 1, 15_000, 128L << 20, 512 << 10,
            Double.MAX_VALUE);
}
