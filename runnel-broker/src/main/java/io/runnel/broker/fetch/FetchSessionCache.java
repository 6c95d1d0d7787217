package io.runnel.broker.fetch;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The broker's fetch sessions (KIP-227), bounded by {@code max.incremental.fetch.session.cache.slots}
 * (Kafka's default 1000). When full, the least recently used session idle for longer than
 * {@code evictionMs} makes room; otherwise the new client simply gets no session (full fetches).
 *
 * <p>Request metadata, as KIP-227 defines it: session id 0 with epoch 0 starts a session; epoch -1
 * is a sessionless full fetch (and closes the given session); a positive epoch continues one.
 *
 * <p>Thread-safe.
 */
public final class FetchSessionCache {
    private final Map<Integer, FetchSession> sessions = new ConcurrentHashMap<>();
    private final int maxSessions;
    private final long evictionMs;
    private final Time time;

    public FetchSessionCache(int maxSessions, long evictionMs, Time time) {
        this.maxSessions = maxSessions;
        this.evictionMs = evictionMs;
        this.time = time;
    }

    /**
     * @param partitions the partitions the request names (all of them for a full fetch, the
     *     added or changed ones for an incremental fetch)
     * @param forgotten partitions an incremental fetch removes from its session
     */
    public FetchContext newContext(int sessionId, int epoch, List<PartitionFetch> partitions,
                                   List<TopicIdPartition> forgotten) {
        long now = time.milliseconds();
        if (epoch == -1 || epoch == 0) {
            if (sessionId != 0) {
                sessions.remove(sessionId);
            }
            if (epoch == -1) {
                return FetchContext.full(0, partitions, sent -> { });
            }
            return newSession(partitions, now);
        }
        FetchSession session = sessions.get(sessionId);
        if (session == null) {
            return FetchContext.error(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
        return session.update(epoch, partitions, forgotten, now);
    }

    public int size() {
        return sessions.size();
    }

    // Synchronized so that the bound check, the eviction and the insert are one step.
    private synchronized FetchContext newSession(List<PartitionFetch> partitions, long now) {
        if (sessions.size() >= maxSessions && !evictOne(now)) {
            return FetchContext.full(0, partitions, sent -> { });
        }
        int id;
        FetchSession session;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
            session = new FetchSession(id, partitions, now);
        } while (sessions.putIfAbsent(id, session) != null);
        FetchSession created = session;
        return FetchContext.full(id, partitions, created::recordSent);
    }

    private boolean evictOne(long now) {
        return sessions.values().stream()
                .filter(s -> now - s.lastUsedMs > evictionMs)
                .min(Comparator.comparingLong(s -> s.lastUsedMs))
                .map(s -> sessions.remove(s.id) != null)
                .orElse(false);
    }
}
