package io.runnel.coordinator.group.consumer;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerGroupSettingsTest {

    @Test
    void defaultsAreKafkas() {
        ConsumerGroupSettings settings = ConsumerGroupSettings.defaults();

        assertThat(settings.sessionTimeoutMs()).isEqualTo(45_000);
        assertThat(settings.heartbeatIntervalMs()).isEqualTo(5_000);
        assertThat(settings.assignors()).containsExactly("uniform", "range");
        assertThat(settings.minSessionTimeoutMs()).isEqualTo(45_000);
        assertThat(settings.maxSessionTimeoutMs()).isEqualTo(60_000);
    }

    @Test
    void lowSessionTimeoutLowersTheDefaultMinimum() {
        ConsumerGroupSettings settings = ConsumerGroupSettings.fromConfig(Map.of(
                ConsumerGroupSettings.SESSION_TIMEOUT_MS, "6000",
                ConsumerGroupSettings.HEARTBEAT_INTERVAL_MS, "500"));

        assertThat(settings.sessionTimeoutMs()).isEqualTo(6_000);
        assertThat(settings.minSessionTimeoutMs()).isEqualTo(6_000);
    }

    @Test
    void assignorsByOurNamesOrKafkasClassNames() {
        ConsumerGroupSettings settings = ConsumerGroupSettings.fromConfig(Map.of(ConsumerGroupSettings.ASSIGNORS,
                "org.apache.kafka.coordinator.group.assignor.RangeAssignor, uniform"));

        assertThat(settings.assignors()).containsExactly("range", "uniform");
        assertThat(settings.assignorsByName().keySet()).containsExactly("range", "uniform");
    }

    @Test
    void inconsistentSettingsAreRefused() {
        assertThatThrownBy(() -> ConsumerGroupSettings.fromConfig(Map.of(ConsumerGroupSettings.ASSIGNORS, "sticky")))
                .hasMessageContaining("sticky");
        assertThatThrownBy(() -> new ConsumerGroupSettings(45_000, 50_000, 10, List.of("uniform"), 45_000, 60_000,
                MigrationPolicy.BIDIRECTIONAL))
                .hasMessageContaining(ConsumerGroupSettings.HEARTBEAT_INTERVAL_MS);
        assertThatThrownBy(() -> ConsumerGroupSettings.fromConfig(Map.of(
                ConsumerGroupSettings.SESSION_TIMEOUT_MS, "70000",
                ConsumerGroupSettings.MAX_SESSION_TIMEOUT_MS, "60000")))
                .hasMessageContaining(ConsumerGroupSettings.SESSION_TIMEOUT_MS);
    }
}
