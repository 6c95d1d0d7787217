package io.runnel.storage;

import org.apache.kafka.common.config.ConfigDef;

import java.util.Map;

/**
 * The effective configuration of one partition log: broker defaults ({@code log.*} keys mapped to
 * their topic-level names) overlaid with the topic's own overrides. Keys and defaults are Kafka's
 * ({@link org.apache.kafka.common.config.TopicConfig}).
 *
 * <p>Immutable. Durations are in milliseconds, sizes in bytes.
 */
public final class LogConfig {
    // IMPLEMENTATION: the storage module fills this in (ConfigDef of every topic-level key
    // Kafka 4.4 documents, with Kafka's defaults, types and validators).

    /** Every topic-level config Kafka 4.4 documents, with type, default, validator and doc. */
    public static ConfigDef configDef() {
        throw new UnsupportedOperationException();
    }

    /**
     * The broker key that supplies the default for a topic key ("segment.bytes" ->
     * "log.segment.bytes", "max.message.bytes" -> "message.max.bytes"...), or null if none.
     */
    public static String brokerSynonym(String topicKey) {
        throw new UnsupportedOperationException();
    }

    /**
     * Topic-level defaults taken from broker properties (Kafka's {@code log.*} keys, including
     * the minutes/hours variants with Kafka's precedence); keys absent fall back to Kafka's defaults.
     */
    public static Map<String, Object> defaultsFromBroker(Map<String, ?> brokerProps) {
        throw new UnsupportedOperationException();
    }

    /**
     * Checks topic-level overrides: unknown key or bad value throws
     * {@link org.apache.kafka.common.errors.InvalidConfigurationException} naming the key.
     */
    public static void validate(Map<String, String> topicOverrides) {
        throw new UnsupportedOperationException();
    }

    /** Effective config: {@code defaults} (from {@link #defaultsFromBroker}) overlaid with overrides. */
    public static LogConfig create(Map<String, Object> defaults, Map<String, String> topicOverrides) {
        throw new UnsupportedOperationException();
    }

    /** The effective value of every topic key, as DescribeConfigs shows it. */
    public Map<String, Object> values() {
        throw new UnsupportedOperationException();
    }
}
