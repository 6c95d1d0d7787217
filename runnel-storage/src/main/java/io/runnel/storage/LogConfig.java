package io.runnel.storage;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.DOUBLE;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

/**
 * The effective configuration of one partition log: broker defaults ({@code log.*} keys mapped to
 * their topic-level names) overlaid with the topic's own overrides. Keys and defaults are Kafka's
 * ({@link org.apache.kafka.common.config.TopicConfig}).
 *
 * <p>{@code segment.bytes} keeps Kafka 4's documented minimum of 1 MiB for user input. Like
 * Kafka, the internal key {@value #INTERNAL_SEGMENT_BYTES} (minimum 1024, topic override or
 * broker property) replaces it when set, so tests can roll small segments.
 *
 * <p>Immutable. Durations are in milliseconds, sizes in bytes.
 */
public final class LogConfig {
    /** Test-only segment size that overrides {@code segment.bytes} (Kafka's internal key). */
    public static final String INTERNAL_SEGMENT_BYTES = "internal.segment.bytes";
    static final String LEADER_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
    static final String FOLLOWER_THROTTLED_REPLICAS = "follower.replication.throttled.replicas";
    private static final long HOUR_MS = 3_600_000L;
    private static final long MINUTE_MS = 60_000L;

    private static final ConfigDef CONFIG = buildConfigDef();
    private static final Map<String, String> SYNONYMS = buildSynonyms();

    private final Map<String, Object> values;
    private final Map<String, Object> documented;

    private LogConfig(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
        Map<String, Object> visible = new LinkedHashMap<>(values);
        visible.remove(INTERNAL_SEGMENT_BYTES);
        this.documented = Collections.unmodifiableMap(visible);
    }

    /** Every topic-level config Kafka 4.4 documents, with type, default, validator and doc. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    /**
     * The broker key that supplies the default for a topic key ("segment.bytes" ->
     * "log.segment.bytes", "max.message.bytes" -> "message.max.bytes"...), or null if none.
     */
    public static String brokerSynonym(String topicKey) {
        return SYNONYMS.get(topicKey);
    }

    /**
     * Topic-level defaults taken from broker properties (Kafka's {@code log.*} keys, including
     * the minutes/hours variants with Kafka's precedence); keys absent fall back to Kafka's defaults.
     *
     * @throws InvalidConfigurationException a broker value is invalid (the message names the broker key)
     */
    public static Map<String, Object> defaultsFromBroker(Map<String, ?> brokerProps) {
        Map<String, Object> raw = new HashMap<>();
        for (Map.Entry<String, String> e : SYNONYMS.entrySet()) {
            Object value = brokerProps.get(e.getValue());
            if (value != null) {
                raw.put(e.getKey(), value);
            }
        }
        timeWithUnits(brokerProps, raw, TopicConfig.SEGMENT_MS_CONFIG, "log.roll.ms", null, "log.roll.hours");
        timeWithUnits(brokerProps, raw, TopicConfig.SEGMENT_JITTER_MS_CONFIG, "log.roll.jitter.ms", null,
                "log.roll.jitter.hours");
        timeWithUnits(brokerProps, raw, TopicConfig.RETENTION_MS_CONFIG, "log.retention.ms", "log.retention.minutes",
                "log.retention.hours");
        if (!raw.containsKey(TopicConfig.FLUSH_MS_CONFIG) && brokerProps.get("log.flush.scheduler.interval.ms") != null) {
            raw.put(TopicConfig.FLUSH_MS_CONFIG, brokerProps.get("log.flush.scheduler.interval.ms"));
        }
        if (brokerProps.get(INTERNAL_SEGMENT_BYTES) != null) {
            raw.put(INTERNAL_SEGMENT_BYTES, brokerProps.get(INTERNAL_SEGMENT_BYTES));
        }
        try {
            Map<String, Object> parsed = new LinkedHashMap<>(CONFIG.parse(raw));
            parsed.values().removeIf(Objects::isNull); // keys without a default stay unset
            return parsed;
        } catch (ConfigException e) {
            String topicKey = e.getMessage() == null ? "" : keyNamedIn(e.getMessage());
            String brokerKey = brokerSynonym(topicKey);
            throw new InvalidConfigurationException("Invalid broker log config"
                    + (brokerKey == null ? "" : " " + brokerKey) + ": " + e.getMessage());
        }
    }

    /**
     * Checks topic-level overrides: unknown key or bad value throws
     * {@link org.apache.kafka.common.errors.InvalidConfigurationException} naming the key.
     */
    public static void validate(Map<String, String> topicOverrides) {
        for (String key : topicOverrides.keySet()) {
            if (!CONFIG.configKeys().containsKey(key)) {
                throw new InvalidConfigurationException("Unknown topic config name: " + key);
            }
        }
        Map<String, Object> parsed;
        try {
            parsed = CONFIG.parse(topicOverrides);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
        checkCompactionLags(parsed);
    }

    /** Effective config: {@code defaults} (from {@link #defaultsFromBroker}) overlaid with overrides. */
    public static LogConfig create(Map<String, Object> defaults, Map<String, String> topicOverrides) {
        validate(topicOverrides);
        Map<String, Object> merged = new HashMap<>(defaults);
        merged.putAll(topicOverrides);
        try {
            Map<String, Object> parsed = CONFIG.parse(merged);
            checkCompactionLags(parsed);
            return new LogConfig(new LinkedHashMap<>(parsed));
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /** Kafka's defaults for every key, as if the broker set nothing. */
    public static LogConfig defaults() {
        return create(defaultsFromBroker(Map.of()), Map.of());
    }

    /** The effective value of every documented topic key, as DescribeConfigs shows it (internal keys left out). */
    public Map<String, Object> values() {
        return documented;
    }

    /** Bytes after which the active segment rolls ({@code internal.segment.bytes} wins when set). */
    public int segmentBytes() {
        Integer internal = (Integer) values.get(INTERNAL_SEGMENT_BYTES);
        return internal != null ? internal : (Integer) values.get(TopicConfig.SEGMENT_BYTES_CONFIG);
    }

    public long segmentMs() {
        return (Long) values.get(TopicConfig.SEGMENT_MS_CONFIG);
    }

    /**
     * Time after which the active segment rolls: {@code segment.ms}, or less when compaction
     * needs it sooner ({@code max.compaction.lag.ms}), as Kafka computes it.
     */
    public long maxSegmentMs() {
        long maxCompactionLag = (Long) values.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);
        return compactEnabled() && maxCompactionLag > 0 ? Math.min(maxCompactionLag, segmentMs()) : segmentMs();
    }

    public long segmentJitterMs() {
        return (Long) values.get(TopicConfig.SEGMENT_JITTER_MS_CONFIG);
    }

    /** Size of a preallocated {@code .index} / {@code .timeindex} file in bytes. */
    public int segmentIndexBytes() {
        return (Integer) values.get(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG);
    }

    public int indexIntervalBytes() {
        return (Integer) values.get(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG);
    }

    public long flushMessages() {
        return (Long) values.get(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG);
    }

    public long flushMs() {
        return (Long) values.get(TopicConfig.FLUSH_MS_CONFIG);
    }

    /** -1 means unlimited. */
    public long retentionMs() {
        return (Long) values.get(TopicConfig.RETENTION_MS_CONFIG);
    }

    /** Negative means unlimited. */
    public long retentionBytes() {
        return (Long) values.get(TopicConfig.RETENTION_BYTES_CONFIG);
    }

    public int maxMessageBytes() {
        return (Integer) values.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    }

    public long fileDeleteDelayMs() {
        return (Long) values.get(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG);
    }

    public TimestampType messageTimestampType() {
        return TimestampType.forName((String) values.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG));
    }

    public long messageTimestampBeforeMaxMs() {
        return (Long) values.get(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
    }

    public long messageTimestampAfterMaxMs() {
        return (Long) values.get(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
    }

    /** True when {@code cleanup.policy} contains {@code delete}: retention by time and size applies. */
    public boolean deleteEnabled() {
        return cleanupPolicy().contains(TopicConfig.CLEANUP_POLICY_DELETE);
    }

    public boolean compactEnabled() {
        return cleanupPolicy().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    public int minInSyncReplicas() {
        return (Integer) values.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
    }

    public boolean uncleanLeaderElectionEnable() {
        return (Boolean) values.get(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
    }

    public long deleteRetentionMs() {
        return (Long) values.get(TopicConfig.DELETE_RETENTION_MS_CONFIG);
    }

    /** {@code min.cleanable.dirty.ratio}: dirty bytes over all cleanable bytes before the cleaner runs. */
    public double minCleanableDirtyRatio() {
        return (Double) values.get(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG);
    }

    /** {@code min.compaction.lag.ms}: records younger than this stay uncompacted. */
    public long minCompactionLagMs() {
        return (Long) values.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
    }

    /** {@code max.compaction.lag.ms}: a dirty record older than this makes the log cleanable regardless of ratio. */
    public long maxCompactionLagMs() {
        return (Long) values.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);
    }

    @SuppressWarnings("unchecked")
    private List<String> cleanupPolicy() {
        return (List<String>) values.get(TopicConfig.CLEANUP_POLICY_CONFIG);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogConfig other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "LogConfig" + values;
    }

    private static void timeWithUnits(Map<String, ?> props, Map<String, Object> raw, String topicKey,
                                      String msKey, String minutesKey, String hoursKey) {
        if (props.get(msKey) != null) {
            raw.put(topicKey, props.get(msKey));
        } else if (minutesKey != null && props.get(minutesKey) != null) {
            raw.put(topicKey, parseLong(minutesKey, props.get(minutesKey)) * MINUTE_MS);
        } else if (props.get(hoursKey) != null) {
            raw.put(topicKey, parseLong(hoursKey, props.get(hoursKey)) * HOUR_MS);
        }
    }

    private static long parseLong(String key, Object value) {
        try {
            return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException("Invalid value " + value + " for broker config " + key);
        }
    }

    private static String keyNamedIn(String message) {
        for (String key : CONFIG.names()) {
            if (message.contains("configuration " + key)) {
                return key;
            }
        }
        return "";
    }

    private static void checkCompactionLags(Map<String, Object> parsed) {
        long min = (Long) parsed.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
        long max = (Long) parsed.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);
        if (min > max) {
            throw new InvalidConfigurationException("conflict topic config setting "
                    + TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG + " (" + min + ") > "
                    + TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG + " (" + max + ")");
        }
    }

    private static ConfigDef buildConfigDef() {
        String[] compressionTypes = {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"};
        return new ConfigDef()
                .define(TopicConfig.CLEANUP_POLICY_CONFIG, LIST, TopicConfig.CLEANUP_POLICY_DELETE,
                        CleanupPolicyValidator.INSTANCE, MEDIUM, TopicConfig.CLEANUP_POLICY_DOC)
                .define(TopicConfig.COMPRESSION_TYPE_CONFIG, STRING, "producer",
                        ConfigDef.ValidString.in(compressionTypes), MEDIUM, TopicConfig.COMPRESSION_TYPE_DOC)
                .define(TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG, INT, CompressionType.GZIP.defaultLevel(),
                        CompressionType.GZIP.levelValidator(), MEDIUM, TopicConfig.COMPRESSION_GZIP_LEVEL_DOC)
                .define(TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG, INT, CompressionType.LZ4.defaultLevel(),
                        CompressionType.LZ4.levelValidator(), MEDIUM, TopicConfig.COMPRESSION_LZ4_LEVEL_DOC)
                .define(TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG, INT, CompressionType.ZSTD.defaultLevel(),
                        CompressionType.ZSTD.levelValidator(), MEDIUM, TopicConfig.COMPRESSION_ZSTD_LEVEL_DOC)
                .define(TopicConfig.DELETE_RETENTION_MS_CONFIG, LONG, 86_400_000L, atLeast(0), MEDIUM,
                        TopicConfig.DELETE_RETENTION_MS_DOC)
                .define(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, LONG, 60_000L, atLeast(0), MEDIUM,
                        TopicConfig.FILE_DELETE_DELAY_MS_DOC)
                .define(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, LONG, Long.MAX_VALUE, atLeast(1), MEDIUM,
                        TopicConfig.FLUSH_MESSAGES_INTERVAL_DOC)
                .define(TopicConfig.FLUSH_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(0), MEDIUM, TopicConfig.FLUSH_MS_DOC)
                .define(FOLLOWER_THROTTLED_REPLICAS, LIST, "", ThrottledReplicasValidator.INSTANCE, MEDIUM,
                        "Replicas whose log replication is throttled on the follower side: "
                                + "partitionId:brokerId pairs, or the wildcard '*'.")
                .define(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, INT, 4096, atLeast(0), MEDIUM,
                        TopicConfig.INDEX_INTERVAL_BYTES_DOC)
                .define(LEADER_THROTTLED_REPLICAS, LIST, "", ThrottledReplicasValidator.INSTANCE, MEDIUM,
                        "Replicas whose log replication is throttled on the leader side: "
                                + "partitionId:brokerId pairs, or the wildcard '*'.")
                .define(TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, LONG, -2L, atLeast(-2), MEDIUM,
                        TopicConfig.LOCAL_LOG_RETENTION_BYTES_DOC)
                .define(TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG, LONG, -2L, atLeast(-2), MEDIUM,
                        TopicConfig.LOCAL_LOG_RETENTION_MS_DOC)
                .define(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(1), MEDIUM,
                        TopicConfig.MAX_COMPACTION_LAG_MS_DOC)
                .define(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, INT, 1024 * 1024 + 12, atLeast(0), MEDIUM,
                        TopicConfig.MAX_MESSAGE_BYTES_DOC)
                .define(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, LONG, HOUR_MS, atLeast(0), MEDIUM,
                        TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_DOC)
                .define(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, LONG, Long.MAX_VALUE, atLeast(0), MEDIUM,
                        TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_DOC)
                .define(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, STRING, "CreateTime",
                        ConfigDef.ValidString.in("CreateTime", "LogAppendTime"), MEDIUM,
                        TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC)
                .define(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, DOUBLE, 0.5, between(0, 1), MEDIUM,
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_DOC)
                .define(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, LONG, 0L, atLeast(0), MEDIUM,
                        TopicConfig.MIN_COMPACTION_LAG_MS_DOC)
                .define(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, INT, 1, atLeast(1), MEDIUM,
                        TopicConfig.MIN_IN_SYNC_REPLICAS_DOC)
                .define(TopicConfig.PREALLOCATE_CONFIG, BOOLEAN, false, MEDIUM, TopicConfig.PREALLOCATE_DOC)
                .define(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, BOOLEAN, false, MEDIUM,
                        TopicConfig.REMOTE_LOG_STORAGE_ENABLE_DOC)
                .define(TopicConfig.REMOTE_LOG_COPY_DISABLE_CONFIG, BOOLEAN, false, MEDIUM,
                        TopicConfig.REMOTE_LOG_COPY_DISABLE_DOC)
                .define(TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_CONFIG, BOOLEAN, false, MEDIUM,
                        TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_DOC)
                .define(TopicConfig.REMOTE_COPY_LAG_MS_CONFIG, LONG, 0L, atLeast(-1), MEDIUM,
                        TopicConfig.REMOTE_COPY_LAG_MS_DOC)
                .define(TopicConfig.REMOTE_COPY_LAG_BYTES_CONFIG, LONG, 0L, atLeast(-1), MEDIUM,
                        TopicConfig.REMOTE_COPY_LAG_BYTES_DOC)
                .define(TopicConfig.RETENTION_BYTES_CONFIG, LONG, -1L, MEDIUM, TopicConfig.RETENTION_BYTES_DOC)
                .define(TopicConfig.RETENTION_MS_CONFIG, LONG, 7 * 24 * HOUR_MS, atLeast(-1), MEDIUM,
                        TopicConfig.RETENTION_MS_DOC)
                .define(TopicConfig.SEGMENT_BYTES_CONFIG, INT, 1024 * 1024 * 1024, atLeast(1024 * 1024), MEDIUM,
                        TopicConfig.SEGMENT_BYTES_DOC)
                .define(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, INT, 10 * 1024 * 1024, atLeast(4), MEDIUM,
                        TopicConfig.SEGMENT_INDEX_BYTES_DOC)
                .define(TopicConfig.SEGMENT_JITTER_MS_CONFIG, LONG, 0L, atLeast(0), MEDIUM,
                        TopicConfig.SEGMENT_JITTER_MS_DOC)
                .define(TopicConfig.SEGMENT_MS_CONFIG, LONG, 7 * 24 * HOUR_MS, atLeast(1), MEDIUM,
                        TopicConfig.SEGMENT_MS_DOC)
                .define(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, BOOLEAN, false, MEDIUM,
                        TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC)
                .define(TopicConfig.MAX_DECOMPRESSED_MESSAGE_BYTES_CONFIG, INT, Integer.MAX_VALUE, atLeast(0), LOW,
                        TopicConfig.MAX_DECOMPRESSED_MESSAGE_BYTES_DOC)
                .define(TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_CONFIG, BOOLEAN, false, LOW,
                        TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_DOC)
                .defineInternal(INTERNAL_SEGMENT_BYTES, INT, null, atLeastOrNull(1024), MEDIUM,
                        "The maximum size of a single log file. This should be used for testing only.");
    }

    private static ConfigDef.Validator atLeastOrNull(int min) {
        ConfigDef.Range range = atLeast(min);
        return (name, value) -> {
            if (value != null) {
                range.ensureValid(name, value);
            }
        };
    }

    private static Map<String, String> buildSynonyms() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TopicConfig.SEGMENT_BYTES_CONFIG, "log.segment.bytes");
        m.put(TopicConfig.SEGMENT_MS_CONFIG, "log.roll.ms");
        m.put(TopicConfig.SEGMENT_JITTER_MS_CONFIG, "log.roll.jitter.ms");
        m.put(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, "log.index.size.max.bytes");
        m.put(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, "log.flush.interval.messages");
        m.put(TopicConfig.FLUSH_MS_CONFIG, "log.flush.interval.ms");
        m.put(TopicConfig.RETENTION_BYTES_CONFIG, "log.retention.bytes");
        m.put(TopicConfig.RETENTION_MS_CONFIG, "log.retention.ms");
        m.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "message.max.bytes");
        m.put(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, "log.index.interval.bytes");
        m.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, "log.cleaner.delete.retention.ms");
        m.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "log.cleaner.min.compaction.lag.ms");
        m.put(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, "log.cleaner.max.compaction.lag.ms");
        m.put(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, "log.segment.delete.delay.ms");
        m.put(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "log.cleaner.min.cleanable.ratio");
        m.put(TopicConfig.CLEANUP_POLICY_CONFIG, "log.cleanup.policy");
        m.put(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "unclean.leader.election.enable");
        m.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "min.insync.replicas");
        m.put(TopicConfig.COMPRESSION_TYPE_CONFIG, "compression.type");
        m.put(TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG, "compression.gzip.level");
        m.put(TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG, "compression.lz4.level");
        m.put(TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG, "compression.zstd.level");
        m.put(TopicConfig.PREALLOCATE_CONFIG, "log.preallocate");
        m.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "log.message.timestamp.type");
        m.put(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, "log.message.timestamp.before.max.ms");
        m.put(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, "log.message.timestamp.after.max.ms");
        m.put(TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG, "log.local.retention.ms");
        m.put(TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, "log.local.retention.bytes");
        return Collections.unmodifiableMap(m);
    }

    /** {@code cleanup.policy}: a subset of {compact, delete}; empty means keep forever (Kafka 4.x). */
    private enum CleanupPolicyValidator implements ConfigDef.Validator {
        INSTANCE;

        private static final Set<String> ALLOWED = Set.of(TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.CLEANUP_POLICY_DELETE);

        @Override
        public void ensureValid(String name, Object value) {
            for (Object item : (List<?>) value) {
                String policy = item.toString().trim().toLowerCase(Locale.ROOT);
                if (!ALLOWED.contains(policy)) {
                    throw new ConfigException(name, value, "Invalid value " + item + " for configuration " + name
                            + ": must be a subset of [compact, delete]");
                }
            }
        }

        @Override
        public String toString() {
            return "[compact, delete]";
        }
    }

    /** Throttled replicas: empty, {@code *}, or {@code partitionId:brokerId} pairs. */
    private enum ThrottledReplicasValidator implements ConfigDef.Validator {
        INSTANCE;

        @Override
        public void ensureValid(String name, Object value) {
            List<?> items = (List<?>) value;
            if (items.size() == 1 && "*".equals(items.get(0).toString().trim())) {
                return;
            }
            for (Object item : items) {
                if (!item.toString().trim().matches("\\d+:\\d+")) {
                    throw new ConfigException(name, value, "Invalid value " + item + " for configuration " + name
                            + ": must be [partitionId]:[brokerId] pairs or the wildcard '*'");
                }
            }
        }

        @Override
        public String toString() {
            return "[partitionId]:[brokerId],[partitionId]:[brokerId],... or *";
        }
    }
}
