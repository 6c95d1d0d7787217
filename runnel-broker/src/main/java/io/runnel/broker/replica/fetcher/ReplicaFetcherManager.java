package io.runnel.broker.replica.fetcher;

import io.runnel.broker.replica.Partition;
import io.runnel.broker.replica.ReplicationQuota;
import io.runnel.broker.replica.ReplicationSettings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The fetcher threads of one broker, one per leader broker it follows partitions of. A fetcher is
 * started the first time a partition is followed from its leader and runs until {@link #close}
 * (an idle one holds no connection).
 *
 * <p>Thread-safety: called from the metadata replay thread (follow, stop) and at shutdown; the
 * calls only register work with the fetcher threads and never wait on the network.
 */
public final class ReplicaFetcherManager implements AutoCloseable {
    private final int localBrokerId;
    private final ReplicationSettings settings;
    private final IntFunction<Optional<InetSocketAddress>> endpoints;
    private final ReplicationQuota quota;
    private final Time time;
    private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>();
    private final Map<TopicPartition, Integer> leaders = new HashMap<>();
    private boolean closed;

    /** @param endpoints a broker id's address on {@code inter.broker.listener.name}, resolved at each connect */
    public ReplicaFetcherManager(int localBrokerId, ReplicationSettings settings,
                                 IntFunction<Optional<InetSocketAddress>> endpoints, ReplicationQuota quota, Time time) {
        this.localBrokerId = localBrokerId;
        this.settings = settings;
        this.endpoints = endpoints;
        this.quota = quota;
        this.time = time;
    }

    /** Replicates {@code partition} from {@code leaderId} in {@code leaderEpoch}, after truncating its tail. */
    public synchronized void follow(Partition partition, int leaderId, int leaderEpoch) {
        if (closed) {
            return;
        }
        stopFollowing(partition.topicPartition());
        fetchers.computeIfAbsent(leaderId, id -> new ReplicaFetcher(localBrokerId, id, settings,
                () -> endpoints.apply(id), quota, time)).follow(partition, leaderEpoch);
        leaders.put(partition.topicPartition(), leaderId);
    }

    /** Stops replicating {@code tp}; once this returns no fetcher touches its log. */
    public synchronized void stopFollowing(TopicPartition tp) {
        Integer leader = leaders.remove(tp);
        if (leader != null) {
            fetchers.get(leader).stopFollowing(tp);
        }
    }

    /** The leader {@code tp} is replicated from, if any (for tests and describing). */
    public synchronized Optional<Integer> leaderOf(TopicPartition tp) {
        return Optional.ofNullable(leaders.get(tp));
    }

    @Override
    public synchronized void close() {
        closed = true;
        fetchers.values().forEach(ReplicaFetcher::close);
        fetchers.clear();
        leaders.clear();
    }
}
