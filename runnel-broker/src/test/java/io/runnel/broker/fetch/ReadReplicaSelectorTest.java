package io.runnel.broker.fetch;

import io.runnel.broker.config.BrokerConfig;
import org.apache.kafka.common.replica.RackAwareReplicaSelector;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code replica.selector.class}: none by default, a Kafka ReplicaSelector by name, a clear error otherwise. */
class ReadReplicaSelectorTest {

    @Test
    void noSelectorByDefault() {
        BrokerConfig config = BrokerConfig.parse(Map.of());
        assertThat(config.replicaSelectorClass()).isNull();
        assertThat(ReadReplicaSelector.fromConfig(config.replicaSelectorClass(), config.values()).isEnabled()).isFalse();
        assertThat(ReadReplicaSelector.fromConfig(" ", Map.of()).isEnabled()).isFalse();
    }

    @Test
    void kafkasRackAwareSelectorLoadsByName() throws Exception {
        BrokerConfig config = BrokerConfig.parse(Map.of("replica.selector.class",
                RackAwareReplicaSelector.class.getName()));
        try (ReadReplicaSelector selector = ReadReplicaSelector.fromConfig(config.replicaSelectorClass(), config.values())) {
            assertThat(selector.isEnabled()).isTrue();
        }
    }

    @Test
    void anUnknownClassIsAConfigError() {
        assertThatThrownBy(() -> ReadReplicaSelector.fromConfig("com.example.Nope", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("com.example.Nope");
    }
}
