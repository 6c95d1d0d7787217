package io.runnel.broker.fetch;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.replica.ClientMetadata;

/**
 * What one Fetch request asks of every partition it names.
 *
 * @param replicaId      the fetching follower's broker id, or negative for a consumer
 * @param maxBytes       the response's byte limit
 * @param minBytes       bytes a parked fetch waits for
 * @param isolation      read_uncommitted or read_committed
 * @param clientMetadata a consumer's rack, address and listener (v11+, KIP-392); null for a
 *                       follower or an older consumer, which only a leader may serve
 */
public record FetchParams(int replicaId, int maxBytes, int minBytes, IsolationLevel isolation,
                          ClientMetadata clientMetadata) {

    public boolean isFromFollower() {
        return replicaId >= 0;
    }

    /** Kafka's rule: followers and pre-v11 consumers read from the leader only. */
    public boolean fetchOnlyLeader() {
        return isFromFollower() || clientMetadata == null;
    }
}
