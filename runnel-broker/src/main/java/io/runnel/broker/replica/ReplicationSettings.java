package io.runnel.broker.replica;

/**
 * Replication settings, Kafka's keys and defaults.
 *
 * @param interBrokerListenerName {@code inter.broker.listener.name}: the leader's endpoint followers connect to
 * @param replicaLagTimeMaxMs {@code replica.lag.time.max.ms} (30000)
 * @param fetchBackoffMs {@code replica.fetch.backoff.ms} (1000): pause after a failed fetch
 * @param fetchWaitMaxMs {@code replica.fetch.wait.max.ms} (500): a follower fetch's max wait
 * @param fetchMinBytes {@code replica.fetch.min.bytes} (1)
 * @param fetchMaxBytes {@code replica.fetch.max.bytes} (1 MiB): per partition
 * @param fetchResponseMaxBytes {@code replica.fetch.response.max.bytes} (10 MiB): per fetch
 * @param socketTimeoutMs {@code replica.socket.timeout.ms} (30000): a leader silent this long is reconnected
 */
public record ReplicationSettings(String interBrokerListenerName, long replicaLagTimeMaxMs, long fetchBackoffMs,
                                  int fetchWaitMaxMs, int fetchMinBytes, int fetchMaxBytes, int fetchResponseMaxBytes,
                                  int socketTimeoutMs) {

    /** Kafka's defaults on the PLAINTEXT listener. */
    public static ReplicationSettings defaults() {
        return new ReplicationSettings("PLAINTEXT", 30_000, 1_000, 500, 1, 1024 * 1024, 10 * 1024 * 1024, 30_000);
    }
}
