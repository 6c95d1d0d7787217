package io.runnel.coordinator.group;

/**
 * The group coordinator's settings (Kafka's broker config keys). Durations in milliseconds.
 *
 * @param offsetsRetentionMs         {@code offsets.retention.minutes} in ms (7 days)
 * @param offsetsRetentionCheckMs    {@code offsets.retention.check.interval.ms} (600000)
 * @param offsetMetadataMaxBytes     {@code offset.metadata.max.bytes} (4096)
 * @param minSessionTimeoutMs        {@code group.min.session.timeout.ms} (6000)
 * @param maxSessionTimeoutMs        {@code group.max.session.timeout.ms} (1800000)
 * @param initialRebalanceDelayMs    {@code group.initial.rebalance.delay.ms} (3000)
 * @param maxGroupSize               {@code group.max.size} (unbounded by default)
 */
public record GroupConfig(long offsetsRetentionMs, long offsetsRetentionCheckMs, int offsetMetadataMaxBytes,
                          int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs,
                          int maxGroupSize) {

    public static GroupConfig defaults() {
        return new GroupConfig(7L * 24 * 60 * 60 * 1000, 600_000, 4096, 6000, 1_800_000, 3000, Integer.MAX_VALUE);
    }
}
