package io.runnel.broker.replica;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicas whose log this broker could not write (a failed or full disk) and has not yet
 * reported to the controller. The broker's next heartbeat carries them; the controller then moves
 * their leadership and ISR membership to other replicas (Kafka reports whole offline log
 * directories; Runnel keeps serving from a disk that recovers, so it reports replicas).
 *
 * <p>Thread-safe: request and fetcher threads add, the lifecycle thread reads and removes.
 */
public final class FailedReplicas {
    private final Set<TopicIdPartition> pending = ConcurrentHashMap.newKeySet();

    /** The replica's log failed a write. */
    public void add(Uuid topicId, int partition) {
        pending.add(new TopicIdPartition(topicId, partition, null));
    }

    /** Those not reported yet. */
    public Set<TopicIdPartition> pending() {
        return Set.copyOf(pending);
    }

    /** The controller accepted a heartbeat carrying {@code reported}. */
    public void reported(Set<TopicIdPartition> reported) {
        pending.removeAll(reported);
    }
}
