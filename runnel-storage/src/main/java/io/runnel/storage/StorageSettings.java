package io.runnel.storage;

/**
 * Broker-wide storage settings (Kafka's keys in brackets), all durations in milliseconds.
 *
 * @param defaultLogConfig topic-level defaults for logs without overrides
 * @param retentionCheckIntervalMs how often retention runs ({@code log.retention.check.interval.ms}, 300000)
 * @param flushSchedulerIntervalMs how often logs are checked against flush.ms ({@code log.flush.scheduler.interval.ms})
 * @param flushOffsetCheckpointIntervalMs how often recovery points are checkpointed ({@code log.flush.offset.checkpoint.interval.ms}, 60000)
 * @param producerIdExpirationMs idle producers' state is dropped after this ({@code producer.id.expiration.ms}, 86400000)
 * @param producerIdExpirationCheckIntervalMs ({@code producer.id.expiration.check.interval.ms}, 600000)
 * @param cleaner the log cleaner's settings
 */
public record StorageSettings(LogConfig defaultLogConfig, long retentionCheckIntervalMs, long flushSchedulerIntervalMs,
                              long flushOffsetCheckpointIntervalMs, long producerIdExpirationMs,
                              long producerIdExpirationCheckIntervalMs, CleanerSettings cleaner) {

    /** With the cleaner's defaults ({@link CleanerSettings#DEFAULTS}). */
    public StorageSettings(LogConfig defaultLogConfig, long retentionCheckIntervalMs, long flushSchedulerIntervalMs,
                           long flushOffsetCheckpointIntervalMs, long producerIdExpirationMs,
                           long producerIdExpirationCheckIntervalMs) {
        this(defaultLogConfig, retentionCheckIntervalMs, flushSchedulerIntervalMs, flushOffsetCheckpointIntervalMs,
                producerIdExpirationMs, producerIdExpirationCheckIntervalMs, CleanerSettings.DEFAULTS);
    }
}
