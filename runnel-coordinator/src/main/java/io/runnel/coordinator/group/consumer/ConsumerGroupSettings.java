package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.assignor.PartitionAssignor;
import io.runnel.coordinator.group.assignor.RangeAssignor;
import io.runnel.coordinator.group.assignor.UniformAssignor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Broker settings of consumer groups (KIP-848), Kafka's keys and defaults.
 *
 * @param sessionTimeoutMs    {@code group.consumer.session.timeout.ms} (45000): a member that does
 *                            not heartbeat for this long is fenced
 * @param heartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms} (5000), sent to members
 * @param maxSize             {@code group.consumer.max.size} (unbounded): members per group
 * @param assignors           {@code group.consumer.assignors} ("uniform,range"), the first is the
 *                            default; Kafka's class names of the two assignors are accepted too
 * @param minSessionTimeoutMs {@code group.consumer.min.session.timeout.ms} (45000, or the session
 *                            timeout if lower)
 * @param maxSessionTimeoutMs {@code group.consumer.max.session.timeout.ms} (60000, or the session
 *                            timeout if higher)
 * @param migrationPolicy     {@code group.consumer.migration.policy} (bidirectional)
 */
public record ConsumerGroupSettings(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize,
                                    List<String> assignors, int minSessionTimeoutMs, int maxSessionTimeoutMs,
                                    MigrationPolicy migrationPolicy) {

    public static final String SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String MAX_SIZE = "group.consumer.max.size";
    public static final String ASSIGNORS = "group.consumer.assignors";
    public static final String MIN_SESSION_TIMEOUT_MS = "group.consumer.min.session.timeout.ms";
    public static final String MAX_SESSION_TIMEOUT_MS = "group.consumer.max.session.timeout.ms";
    public static final String MIGRATION_POLICY = "group.consumer.migration.policy";

    public ConsumerGroupSettings {
        assignors = List.copyOf(assignors);
        if (assignors.isEmpty()) {
            throw new IllegalArgumentException(ASSIGNORS + " must name at least one assignor");
        }
        assignors.forEach(ConsumerGroupSettings::assignor);
        if (heartbeatIntervalMs <= 0 || heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new IllegalArgumentException(HEARTBEAT_INTERVAL_MS + " must be positive and below "
                    + SESSION_TIMEOUT_MS);
        }
        if (sessionTimeoutMs < minSessionTimeoutMs || sessionTimeoutMs > maxSessionTimeoutMs) {
            throw new IllegalArgumentException(SESSION_TIMEOUT_MS + " must be within [" + MIN_SESSION_TIMEOUT_MS
                    + ", " + MAX_SESSION_TIMEOUT_MS + "]");
        }
        if (maxSize <= 0) {
            throw new IllegalArgumentException(MAX_SIZE + " must be positive");
        }
    }

    public static ConsumerGroupSettings defaults() {
        return fromConfig(Map.of());
    }

    /** Reads the settings from broker config values, with Kafka's defaults for absent keys. */
    public static ConsumerGroupSettings fromConfig(Map<String, String> config) {
        int session = intOf(config, SESSION_TIMEOUT_MS, 45_000);
        List<String> assignors = new ArrayList<>();
        for (String name : config.getOrDefault(ASSIGNORS, "uniform,range").split(",")) {
            if (!name.isBlank()) {
                assignors.add(assignor(name.trim()).name());
            }
        }
        return new ConsumerGroupSettings(session, intOf(config, HEARTBEAT_INTERVAL_MS, 5_000),
                intOf(config, MAX_SIZE, Integer.MAX_VALUE), assignors,
                intOf(config, MIN_SESSION_TIMEOUT_MS, Math.min(45_000, session)),
                intOf(config, MAX_SESSION_TIMEOUT_MS, Math.max(60_000, session)),
                MigrationPolicy.parse(config.getOrDefault(MIGRATION_POLICY, "bidirectional")));
    }

    /** The configured assignors by name, the default first. */
    public Map<String, PartitionAssignor> assignorsByName() {
        Map<String, PartitionAssignor> byName = new LinkedHashMap<>();
        assignors.forEach(name -> byName.put(name, assignor(name)));
        return byName;
    }

    private static PartitionAssignor assignor(String name) {
        return switch (name) {
            case UniformAssignor.NAME, "org.apache.kafka.coordinator.group.assignor.UniformAssignor" ->
                    new UniformAssignor();
            case RangeAssignor.NAME, "org.apache.kafka.coordinator.group.assignor.RangeAssignor" ->
                    new RangeAssignor();
            default -> throw new IllegalArgumentException("Unknown assignor in " + ASSIGNORS + ": " + name);
        };
    }

    private static int intOf(Map<String, String> config, String key, int defaultValue) {
        String value = config.get(key);
        return value == null ? defaultValue : Integer.parseInt(value.trim());
    }
}
