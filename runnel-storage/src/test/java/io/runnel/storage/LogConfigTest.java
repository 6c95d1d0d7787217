package io.runnel.storage;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogConfigTest {

    @Test
    void defaultsAreKafkas() {
        LogConfig config = LogConfig.defaults();
        assertThat(config.segmentBytes()).isEqualTo(1 << 30);
        assertThat(config.segmentMs()).isEqualTo(604_800_000L);
        assertThat(config.retentionMs()).isEqualTo(604_800_000L);
        assertThat(config.retentionBytes()).isEqualTo(-1);
        assertThat(config.maxMessageBytes()).isEqualTo(1_048_588);
        assertThat(config.segmentIndexBytes()).isEqualTo(10 * 1024 * 1024);
        assertThat(config.indexIntervalBytes()).isEqualTo(4096);
        assertThat(config.flushMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.flushMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.fileDeleteDelayMs()).isEqualTo(60_000);
        assertThat(config.messageTimestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(config.messageTimestampAfterMaxMs()).isEqualTo(3_600_000L);
        assertThat(config.messageTimestampBeforeMaxMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.deleteEnabled()).isTrue();
        assertThat(config.compactEnabled()).isFalse();
        assertThat(config.values()).containsEntry("compression.type", "producer")
                .containsEntry("min.insync.replicas", 1);
    }

    @Test
    void everyTopicConfigConstantIsDefined() throws Exception {
        for (Field f : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().endsWith("_CONFIG")
                    && !f.getName().equals("MESSAGE_DOWNCONVERSION_ENABLE_CONFIG")) {
                assertThat(LogConfig.configDef().names()).as(f.getName()).contains((String) f.get(null));
            }
        }
        assertThat(LogConfig.configDef().names()).contains("leader.replication.throttled.replicas",
                "follower.replication.throttled.replicas");
    }

    @Test
    void brokerSynonymsWithKafkasPrecedence() {
        Map<String, Object> defaults = LogConfig.defaultsFromBroker(Map.of(
                "log.retention.hours", "1", "log.retention.minutes", "2",
                "log.roll.hours", "3", "log.segment.bytes", "2097152",
                "message.max.bytes", "5000", "log.flush.scheduler.interval.ms", "777",
                "log.cleanup.policy", "compact"));
        LogConfig config = LogConfig.create(defaults, Map.of());
        assertThat(config.retentionMs()).isEqualTo(120_000);
        assertThat(config.segmentMs()).isEqualTo(3 * 3_600_000L);
        assertThat(config.segmentBytes()).isEqualTo(2_097_152);
        assertThat(config.maxMessageBytes()).isEqualTo(5000);
        assertThat(config.flushMs()).isEqualTo(777);
        assertThat(config.deleteEnabled()).isFalse();
        assertThat(LogConfig.create(defaults, Map.of("max.compaction.lag.ms", "5000")).maxSegmentMs()).isEqualTo(5000);
        assertThat(LogConfig.create(LogConfig.defaultsFromBroker(Map.of("log.retention.ms", "5",
                "log.retention.minutes", "2")), Map.of()).retentionMs()).isEqualTo(5);
        assertThat(LogConfig.brokerSynonym("max.message.bytes")).isEqualTo("message.max.bytes");
        assertThat(LogConfig.brokerSynonym("file.delete.delay.ms")).isEqualTo("log.segment.delete.delay.ms");
        assertThat(LogConfig.brokerSynonym("remote.storage.enable")).isNull();
    }

    @Test
    void overridesWinAndInternalSegmentBytesAllowsSmallSegments() {
        LogConfig config = LogConfig.create(LogConfig.defaultsFromBroker(Map.of()),
                Map.of("retention.ms", "1000", "internal.segment.bytes", "1024", "cleanup.policy", ""));
        assertThat(config.retentionMs()).isEqualTo(1000);
        assertThat(config.segmentBytes()).isEqualTo(1024);
        assertThat(config.deleteEnabled()).isFalse();
        assertThat(config.values()).doesNotContainKey("internal.segment.bytes").containsEntry("segment.bytes", 1 << 30);
    }

    @Test
    void validateNamesTheKey() {
        assertThatThrownBy(() -> LogConfig.validate(Map.of("no.such.key", "1")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no.such.key");
        assertThatThrownBy(() -> LogConfig.validate(Map.of("segment.bytes", "1024")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("segment.bytes");
        assertThatThrownBy(() -> LogConfig.validate(Map.of("cleanup.policy", "forever")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("cleanup.policy");
        assertThatThrownBy(() -> LogConfig.validate(Map.of("retention.ms", "soon")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("retention.ms");
        assertThatThrownBy(() -> LogConfig.validate(Map.of("min.compaction.lag.ms", "10",
                "max.compaction.lag.ms", "5"))).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> LogConfig.defaultsFromBroker(Map.of("log.segment.bytes", "10")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("log.segment.bytes");
        LogConfig.validate(Map.of("leader.replication.throttled.replicas", "0:1,1:2", "compression.type", "zstd"));
    }
}
