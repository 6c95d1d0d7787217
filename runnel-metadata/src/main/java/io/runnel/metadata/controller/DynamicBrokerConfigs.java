package io.runnel.metadata.controller;

import org.apache.kafka.common.errors.InvalidConfigurationException;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which broker configs may be set dynamically (on one broker, or cluster-wide with the empty
 * broker name): the broker-level defaults of topic configs (Kafka's topic config synonyms) and
 * the log cleaner's settings, as Kafka's DynamicLogConfig and cleaner reconfiguration allow, and
 * the replication throttle rates (KIP-73, as Kafka's DynamicReplicationConfig).
 * Everything else (listeners, security, thread pools...) needs a restart here.
 */
final class DynamicBrokerConfigs {
    /** KIP-73 replication throttles, bytes per second (Long.MAX_VALUE: off). */
    private static final String LEADER_THROTTLED_RATE = "leader.replication.throttled.rate";
    private static final String FOLLOWER_THROTTLED_RATE = "follower.replication.throttled.rate";
    private static final Set<String> KEYS = Set.of(
            "log.segment.bytes", "log.roll.ms", "log.roll.hours", "log.roll.jitter.ms", "log.roll.jitter.hours",
            "log.index.size.max.bytes", "log.flush.interval.messages", "log.flush.interval.ms",
            "log.retention.bytes", "log.retention.ms", "log.retention.minutes", "log.retention.hours",
            "message.max.bytes", "log.index.interval.bytes", "log.segment.delete.delay.ms", "log.cleanup.policy",
            "unclean.leader.election.enable", "min.insync.replicas", "compression.type",
            "compression.gzip.level", "compression.lz4.level", "compression.zstd.level", "log.preallocate",
            "log.message.timestamp.type", "log.message.timestamp.before.max.ms",
            "log.message.timestamp.after.max.ms", "log.local.retention.ms", "log.local.retention.bytes",
            LEADER_THROTTLED_RATE, FOLLOWER_THROTTLED_RATE);
    private static final String CLEANER_PREFIX = "log.cleaner.";

    private DynamicBrokerConfigs() {
    }

    static boolean isDynamic(String key) {
        return KEYS.contains(key) || key.startsWith(CLEANER_PREFIX);
    }

    /** Checks the values of the keys this class owns (the throttle rates: a long, at least 0). */
    static void validate(Map<String, String> configs) {
        for (String key : List.of(LEADER_THROTTLED_RATE, FOLLOWER_THROTTLED_RATE)) {
            String value = configs.get(key);
            if (value == null) {
                continue;
            }
            long rate;
            try {
                rate = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException("Invalid value " + value + " for configuration " + key
                        + ": Not a number of type LONG");
            }
            if (rate < 0) {
                throw new InvalidConfigurationException("Invalid value " + value + " for configuration " + key
                        + ": Value must be at least 0");
            }
        }
    }
}
