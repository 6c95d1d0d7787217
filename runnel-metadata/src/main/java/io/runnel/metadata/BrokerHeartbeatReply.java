package io.runnel.metadata;

import org.apache.kafka.common.protocol.Errors;

/**
 * The controller's answer to a {@link BrokerHeartbeat} (Kafka's BrokerHeartbeatResponse).
 *
 * @param error NONE, or STALE_BROKER_EPOCH when the broker is not registered with that incarnation
 *     (it must register again)
 * @param fenced whether the broker is fenced once this heartbeat is committed
 * @param shouldShutDown true when the broker asked to shut down and may now stop
 */
public record BrokerHeartbeatReply(Errors error, boolean fenced, boolean shouldShutDown) {
}
