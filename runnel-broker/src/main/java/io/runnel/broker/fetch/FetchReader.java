package io.runnel.broker.fetch;

import io.runnel.broker.replica.Partition;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.storage.EpochEndOffset;
import io.runnel.storage.LogReadInfo;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the partitions of one fetch from their logs, up to the high watermark (the last stable
 * offset for read_committed, which equals it until transactions exist) for consumers and up to
 * the log end offset for followers ({@code replicaId >= 0}), within the request's byte limits.
 * A follower outside the ISR gets no records of a partition under the leader replication
 * throttle while that quota is exceeded (and a parked fetch does not count them as available).
 * Stateless and thread-safe: used by the fetch handler and by parked fetches.
 */
public final class FetchReader {
    private static final Logger log = LoggerFactory.getLogger(FetchReader.class);

    private final ReplicaManager replicas;

    public FetchReader(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    /**
     * Reads every partition. The first partition with data is returned whole even when it is
     * larger than the limits (so a consumer always progresses); after that, partitions get what
     * is left of {@code responseMaxBytes}.
     */
    public Map<PartitionFetch, PartitionData> read(List<PartitionFetch> partitions, int replicaId, int responseMaxBytes,
                                                   IsolationLevel isolation) {
        Map<PartitionFetch, PartitionData> out = new LinkedHashMap<>();
        int remaining = responseMaxBytes;
        boolean minOneBatch = true;
        for (PartitionFetch p : partitions) {
            PartitionData data = readOne(p, replicaId, Math.max(0, Math.min(p.maxBytes(), remaining)), minOneBatch,
                    isolation);
            int size = data.records() == null ? 0 : data.records().sizeInBytes();
            if (size > 0) {
                minOneBatch = false;
                remaining -= size;
            }
            out.put(p, data);
        }
        return out;
    }

    /**
     * A follower's fetch, recorded as it arrives (before it reads or parks): each partition this
     * broker leads in the follower's leader epoch learns the follower's log end offset. Partitions
     * with errors are skipped; the read reports them.
     */
    public void recordFollowerFetch(List<PartitionFetch> partitions, int replicaId) {
        for (PartitionFetch p : partitions) {
            Partition partition = p.id().topic() == null ? null : replicas.partition(p.id().topicPartition()).orElse(null);
            if (partition != null && partition.isLeader() && partition.checkLeaderEpoch(p.currentLeaderEpoch()) == Errors.NONE) {
                try {
                    partition.updateFollowerFetchState(replicaId, p.fetchOffset());
                } catch (ApiException e) {
                    // answered by the read
                }
            }
        }
    }

    /**
     * Bytes available to {@code partitions} now, counting until {@code enough}; -1 if a partition
     * has an error to report (which completes a parked fetch at once). A follower
     * ({@code replicaId >= 0}) may read up to the log end offset, a consumer up to the high watermark.
     */
    public long availableBytes(List<PartitionFetch> partitions, int replicaId, long enough) {
        long total = 0;
        for (PartitionFetch p : partitions) {
            Partition partition = p.id().topic() == null ? null : replicas.partition(p.id().topicPartition()).orElse(null);
            if (partition == null || !partition.isLeader() || partition.checkLeaderEpoch(p.currentLeaderEpoch()) != Errors.NONE) {
                return -1;
            }
            long readable = replicaId >= 0 ? partition.log().logEndOffset() : partition.log().highWatermark();
            if (p.fetchOffset() > partition.log().logEndOffset() || p.fetchOffset() < partition.log().logStartOffset()) {
                return -1;
            }
            if (readable > p.fetchOffset() && !(replicaId >= 0 && isLeaderThrottled(partition, replicaId)
                    && replicas.leaderQuota().isExceeded())) {
                if (enough <= 1) {
                    return enough; // any readable batch is at least one byte: no need to size it
                }
                try {
                    total += (replicaId >= 0 ? partition.readAsLeaderForFollower(p.fetchOffset(), p.maxBytes(), true)
                            : partition.readAsLeader(p.fetchOffset(), p.maxBytes(), true)).records().sizeInBytes();
                } catch (ApiException e) {
                    return -1;
                }
                if (total >= enough) {
                    return total;
                }
            }
        }
        return total;
    }

    private PartitionData readOne(PartitionFetch p, int replicaId, int maxBytes, boolean minOneBatch,
                                  IsolationLevel isolation) {
        PartitionData data = new PartitionData()
                .setPartitionIndex(p.id().partition())
                .setHighWatermark(-1)
                .setLastStableOffset(-1)
                .setLogStartOffset(-1)
                .setRecords(MemoryRecords.EMPTY);
        if (p.id().topic() == null) {
            return data.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
        }
        Partition partition = replicas.partition(p.id().topicPartition()).orElse(null);
        if (partition == null) {
            return data.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (!partition.isLeader()) {
            data.currentLeader().setLeaderId(partition.registration().leader()).setLeaderEpoch(partition.leaderEpoch());
            return data.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        Errors epochError = partition.checkLeaderEpoch(p.currentLeaderEpoch());
        if (epochError != Errors.NONE) {
            data.currentLeader().setLeaderId(partition.registration().leader()).setLeaderEpoch(partition.leaderEpoch());
            return data.setErrorCode(epochError.code());
        }
        try {
            if (p.lastFetchedEpoch() >= 0) {
                EpochEndOffset end = partition.log().endOffsetForEpoch(p.lastFetchedEpoch());
                if (end.leaderEpoch() < p.lastFetchedEpoch() || end.endOffset() < p.fetchOffset()) {
                    data.divergingEpoch().setEpoch(end.leaderEpoch()).setEndOffset(end.endOffset());
                    return withOffsets(data, partition);
                }
            }
            if (replicaId >= 0) {
                if (!partition.registration().replicas().contains(replicaId)) {
                    return data.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
                }
                boolean throttled = isLeaderThrottled(partition, replicaId);
                if (throttled && replicas.leaderQuota().isExceeded()) {
                    return withOffsets(data, partition);
                }
                LogReadInfo info = partition.readAsLeaderForFollower(p.fetchOffset(), maxBytes, minOneBatch);
                if (throttled) {
                    replicas.leaderQuota().record(info.records().sizeInBytes());
                }
                return withOffsets(data.setRecords(info.records()), partition);
            }
            LogReadInfo info = partition.readAsLeader(p.fetchOffset(), maxBytes, minOneBatch);
            data.setRecords(info.records())
                    .setHighWatermark(info.highWatermark())
                    .setLastStableOffset(info.highWatermark())
                    .setLogStartOffset(info.logStartOffset());
            if (isolation == IsolationLevel.READ_COMMITTED) {
                data.setAbortedTransactions(new ArrayList<>(0));
            }
            return data;
        } catch (ApiException e) {
            // With the offsets, a follower out of range can tell whether it is below the log start.
            return withOffsets(data, partition).setErrorCode(Errors.forException(e).code());
        } catch (RuntimeException e) {
            log.error("Reading {} at offset {} failed", p.id(), p.fetchOffset(), e);
            return data.setErrorCode(Errors.forException(e).code());
        }
    }

    /** Whether sending {@code partition} to {@code replicaId} counts against the leader throttle (KIP-73). */
    private boolean isLeaderThrottled(Partition partition, int replicaId) {
        return replicas.leaderQuota().isThrottled(partition.topicPartition()) && !partition.isr().contains(replicaId);
    }

    private static PartitionData withOffsets(PartitionData data, Partition partition) {
        long highWatermark = partition.log().highWatermark();
        return data.setHighWatermark(highWatermark).setLastStableOffset(highWatermark)
                .setLogStartOffset(partition.log().logStartOffset());
    }
}
