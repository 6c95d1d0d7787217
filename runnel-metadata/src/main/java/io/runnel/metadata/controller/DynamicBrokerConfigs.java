package io.runnel.metadata.controller;

import java.util.Set;

/**
 * Which broker configs may be set dynamically (on one broker, or cluster-wide with the empty
 * broker name): the broker-level defaults of topic configs (Kafka's topic config synonyms) and
 * the log cleaner's settings, as Kafka's DynamicLogConfig and cleaner reconfiguration allow.
 * Everything else (listeners, security, thread pools...) needs a restart here.
 */
final class DynamicBrokerConfigs {
    private static final Set<String> KEYS = Set.of(
            "log.segment.bytes", "log.roll.ms", "log.roll.hours", "log.roll.jitter.ms", "log.roll.jitter.hours",
            "log.index.size.max.bytes", "log.flush.interval.messages", "log.flush.interval.ms",
            "log.retention.bytes", "log.retention.ms", "log.retention.minutes", "log.retention.hours",
            "message.max.bytes", "log.index.interval.bytes", "log.segment.delete.delay.ms", "log.cleanup.policy",
            "unclean.leader.election.enable", "min.insync.replicas", "compression.type",
            "compression.gzip.level", "compression.lz4.level", "compression.zstd.level", "log.preallocate",
            "log.message.timestamp.type", "log.message.timestamp.before.max.ms",
            "log.message.timestamp.after.max.ms", "log.local.retention.ms", "log.local.retention.bytes");
    private static final String CLEANER_PREFIX = "log.cleaner.";

    private DynamicBrokerConfigs() {
    }

    static boolean isDynamic(String key) {
        return KEYS.contains(key) || key.startsWith(CLEANER_PREFIX);
    }
}
