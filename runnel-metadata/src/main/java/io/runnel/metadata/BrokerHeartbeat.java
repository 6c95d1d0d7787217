package io.runnel.metadata;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;

import java.util.Set;

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
 * @param failedReplicas replicas whose log this broker could not write since its last heartbeat
 *     (a failed or full disk): the controller takes it out of their ISR and leadership, as if it
 *     were fenced for those partitions only (Kafka reports whole offline log directories)
 */
public record BrokerHeartbeat(int brokerId, Uuid incarnationId, long metadataOffset, boolean wantFence,
                              boolean wantShutDown, Set<TopicIdPartition> failedReplicas) {
    public BrokerHeartbeat {
        failedReplicas = Set.copyOf(failedReplicas);
    }

    /** A heartbeat that reports no failed replica. */
    public BrokerHeartbeat(int brokerId, Uuid incarnationId, long metadataOffset, boolean wantFence,
                           boolean wantShutDown) {
        this(brokerId, incarnationId, metadataOffset, wantFence, wantShutDown, Set.of());
    }
}
