package io.runnel.broker.fetch;

import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One client's fetch session: its partitions in fetch order and the next expected epoch.
 * Partitions that returned data move to the back so that every partition gets its turn when
 * responses are size-bounded. Thread-safety: all methods synchronize on the session.
 */
final class FetchSession {
    final int id;
    private final LinkedHashMap<TopicIdPartition, CachedPartition> partitions = new LinkedHashMap<>();
    private int nextEpoch = 1;
    volatile long lastUsedMs;

    FetchSession(int id, List<PartitionFetch> initial, long nowMs) {
        this.id = id;
        this.lastUsedMs = nowMs;
        initial.forEach(p -> partitions.put(p.id(), new CachedPartition(p)));
    }

    synchronized int size() {
        return partitions.size();
    }

    /** Seeds the offsets sent by the full fetch that created the session. */
    synchronized void recordSent(Map<PartitionFetch, PartitionData> sent) {
        sent.forEach((p, data) -> {
            CachedPartition cached = partitions.get(p.id());
            if (cached != null) {
                cached.mustRespond(data);
            }
        });
    }

    /** Applies an incremental request; returns the context for it. */
    synchronized FetchContext update(int epoch, List<PartitionFetch> changed, List<TopicIdPartition> forgotten, long nowMs) {
        if (epoch != nextEpoch) {
            return FetchContext.error(Errors.INVALID_FETCH_SESSION_EPOCH);
        }
        nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
        lastUsedMs = nowMs;
        forgotten.forEach(partitions::remove);
        for (PartitionFetch p : changed) {
            CachedPartition cached = partitions.get(p.id());
            if (cached == null) {
                partitions.put(p.id(), new CachedPartition(p));
            } else {
                cached.request = p;
            }
        }
        List<PartitionFetch> toRead = new ArrayList<>(partitions.size());
        partitions.values().forEach(c -> toRead.add(c.request));
        return new Incremental(toRead);
    }

    private final class Incremental implements FetchContext {
        private final List<PartitionFetch> toRead;

        Incremental(List<PartitionFetch> toRead) {
            this.toRead = toRead;
        }

        @Override
        public Errors error() {
            return Errors.NONE;
        }

        @Override
        public int sessionId() {
            return id;
        }

        @Override
        public List<PartitionFetch> partitions() {
            return toRead;
        }

        @Override
        public Map<PartitionFetch, PartitionData> responsePartitions(Map<PartitionFetch, PartitionData> read) {
            Map<PartitionFetch, PartitionData> out = new LinkedHashMap<>();
            synchronized (FetchSession.this) {
                read.forEach((p, data) -> {
                    CachedPartition cached = partitions.get(p.id());
                    if (cached != null && cached.mustRespond(data)) {
                        out.put(p, data);
                        if (data.records() != null && data.records().sizeInBytes() > 0) {
                            partitions.remove(p.id());
                            partitions.put(p.id(), cached);
                        }
                    }
                });
            }
            return out;
        }
    }
}
