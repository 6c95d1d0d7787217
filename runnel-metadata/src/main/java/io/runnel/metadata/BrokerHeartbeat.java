package io.runnel.metadata;

import org.apache.kafka.common.Uuid;

/**
 * A broker's periodic "I am alive" to the active controller (Kafka's BrokerHeartbeatRequest, with
 * the incarnation id standing in for the broker epoch).
 *
 * @param brokerId the broker's node id
 * @param incarnationId the id the broker registered with; a heartbeat from another incarnation is stale
 * @param metadataOffset the offset of the last metadata record the broker has replayed
 * @param wantFence true while the broker does not want to serve (not caught up, or shutting down)
 * @param wantShutDown true when the broker is stopping: the controller fences it now instead of
 *     waiting for its session to expire, so a restart can register at once
 */
public record BrokerHeartbeat(int brokerId, Uuid incarnationId, long metadataOffset, boolean wantFence,
                              boolean wantShutDown) {
}
