package io.runnel.metadata.controller;

import io.runnel.storage.LogConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Topic-level configs as the controller sees them: the broker-derived defaults
 * ({@code QuorumSettings.topicConfigDefaults}) overlaid with a topic's dynamic overrides.
 * Validation and effective values come from {@link LogConfig}. Immutable and thread-safe.
 */
final class TopicConfigs {
    private final Map<String, Object> defaults;
    private final Map<String, ConfigDef.ConfigKey> keys = LogConfig.configDef().configKeys();
    private final Map<String, Object> kafkaDefaults = LogConfig.configDef().defaultValues();

    TopicConfigs(Map<String, Object> defaults) {
        this.defaults = new HashMap<>(defaults); // may hold null values (unset optional keys)
    }

    /** Throws {@code InvalidConfigurationException} naming the key if an override is unknown or bad. */
    void validate(Map<String, String> overrides) {
        LogConfig.validate(overrides);
    }

    /**
     * The value of {@code key} before any topic override, as a config string (for APPEND and
     * SUBTRACT on list configs without an override), or null if unset.
     */
    String defaultValue(String key) {
        return toString(key, defaults.containsKey(key) ? defaults.get(key) : kafkaDefaults.get(key));
    }

    ConfigDef.Type type(String key) {
        ConfigDef.ConfigKey def = keys.get(key);
        return def == null ? null : def.type;
    }

    /**
     * Every topic config with its effective value and source, sorted by name, as CreateTopics
     * returns them: DYNAMIC_TOPIC_CONFIG for overrides, STATIC_BROKER_CONFIG where the broker's
     * properties changed Kafka's default, DEFAULT_CONFIG otherwise. Internal keys are left out.
     */
    List<CreatableTopicConfigs> describe(Map<String, String> overrides) {
        Map<String, Object> values = new TreeMap<>(LogConfig.create(defaults, overrides).values());
        List<CreatableTopicConfigs> result = new ArrayList<>(values.size());
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String key = e.getKey();
            ConfigDef.ConfigKey def = keys.get(key);
            if (def != null && def.internalConfig) {
                continue;
            }
            ConfigSource source;
            if (overrides.containsKey(key)) {
                source = ConfigSource.TOPIC_CONFIG;
            } else if (defaults.containsKey(key) && !Objects.equals(defaults.get(key), kafkaDefaults.get(key))) {
                source = ConfigSource.STATIC_BROKER_CONFIG;
            } else {
                source = ConfigSource.DEFAULT_CONFIG;
            }
            result.add(new CreatableTopicConfigs()
                    .setName(key)
                    .setValue(toString(key, e.getValue()))
                    .setReadOnly(false)
                    .setConfigSource(source.id())
                    .setIsSensitive(false));
        }
        return result;
    }

    private String toString(String key, Object value) {
        if (value == null) {
            return null;
        }
        ConfigDef.Type type = type(key);
        return type == null ? String.valueOf(value) : ConfigDef.convertToString(value, type);
    }
}
