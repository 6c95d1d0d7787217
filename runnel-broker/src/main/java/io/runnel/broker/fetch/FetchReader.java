package io.runnel.broker.fetch;

import io.runnel.broker.replica.Partition;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.metadata.MetadataImage;
import io.runnel.storage.AbortedTxn;
import io.runnel.storage.EpochEndOffset;
import io.runnel.storage.LogReadInfo;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchResponseData.AbortedTransaction;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads the partitions of one fetch from their logs, within the request's byte limits, as Kafka's
 * {@code ReplicaManager.readFromLog} and {@code Partition.fetchRecords} do:
 * <ul>
 *   <li>the client's current leader epoch is checked first (FENCED_LEADER_EPOCH when older than
 *       this replica's, UNKNOWN_LEADER_EPOCH when newer, -1 not checked), then leadership: a
 *       follower's fetch and a pre-v11 consumer's need the leader (NOT_LEADER_OR_FOLLOWER);</li>
 *   <li>a follower ({@code replicaId >= 0}) reads up to the log end offset;</li>
 *   <li>a consumer reads up to the high watermark ({@code read_uncommitted}) or the last stable
 *       offset ({@code read_committed}), of the leader or, for a v11+ consumer (KIP-392), of the
 *       follower serving it: above a follower's high watermark the answer is empty, above its log
 *       end offset OFFSET_OUT_OF_RANGE (the consumer then returns to the leader);</li>
 *   <li>every answer reports the replica's last stable offset; a {@code read_committed} one also
 *       lists the aborted transactions overlapping the offsets it could return (from the fetch
 *       offset to the last stable offset), so the consumer drops their records;</li>
 *   <li>the leader answers a v11+ consumer with a preferred read replica and no records when the
 *       {@link ReadReplicaSelector} picks an in-sync follower.</li>
 * </ul>
 * A follower outside the ISR gets no records of a partition under the leader replication
 * throttle while that quota is exceeded (and a parked fetch does not count them as available).
 * A partition this broker holds no replica of is NOT_LEADER_OR_FOLLOWER if the metadata knows
 * it. Stateless and thread-safe: used by the fetch handler and by parked fetches.
 */
public final class FetchReader {
    private static final Logger log = LoggerFactory.getLogger(FetchReader.class);

    private final ReplicaManager replicas;
    private final ReadReplicaSelector selector;

    public FetchReader(ReplicaManager replicas, ReadReplicaSelector selector) {
        this.replicas = replicas;
        this.selector = selector;
    }

    /**
     * Reads every partition. The first partition with data is returned whole even when it is
     * larger than the limits (so a consumer always progresses); after that, partitions get what
     * is left of the request's {@code maxBytes}.
     */
    public Map<PartitionFetch, PartitionData> read(List<PartitionFetch> partitions, FetchParams params) {
        Map<PartitionFetch, PartitionData> out = new LinkedHashMap<>();
        MetadataImage image = replicas.image();
        int remaining = params.maxBytes();
        boolean minOneBatch = true;
        for (PartitionFetch p : partitions) {
            PartitionData data = readOne(p, params, Math.max(0, Math.min(p.maxBytes(), remaining)), minOneBatch, image);
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
     * Bytes available to {@code partitions} now, counting until {@code params.minBytes()}; -1 if
     * a partition has an error or a preferred read replica to report (which completes a parked
     * fetch at once).
     */
    public long availableBytes(List<PartitionFetch> partitions, FetchParams params) {
        long enough = params.minBytes();
        long total = 0;
        MetadataImage image = replicas.image();
        for (PartitionFetch p : partitions) {
            Partition partition = p.id().topic() == null ? null : replicas.partition(p.id().topicPartition()).orElse(null);
            if (partition == null || partition.checkLeaderEpoch(p.currentLeaderEpoch()) != Errors.NONE
                    || !partition.isLeader() && params.fetchOnlyLeader()
                    || !params.isFromFollower() && selector.preferredReadReplica(partition, params.clientMetadata(),
                            p.fetchOffset(), image).isPresent()) {
                return -1;
            }
            long readable = params.isFromFollower() ? partition.log().logEndOffset()
                    : params.isolation() == IsolationLevel.READ_COMMITTED ? partition.log().lastStableOffset()
                    : partition.log().highWatermark();
            if (p.fetchOffset() > partition.log().logEndOffset() || p.fetchOffset() < partition.log().logStartOffset()) {
                return -1;
            }
            if (readable > p.fetchOffset() && !(params.isFromFollower()
                    && isLeaderThrottled(partition, params.replicaId()) && replicas.leaderQuota().isExceeded())) {
                if (enough <= 1) {
                    return enough; // any readable batch is at least one byte: no need to size it
                }
                try {
                    total += (params.isFromFollower() ? partition.readAsLeaderForFollower(p.fetchOffset(), p.maxBytes(), true)
                            : partition.readUpToLastStableOffset(p.fetchOffset(), p.maxBytes(), readable, true))
                            .records().sizeInBytes();
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

    private PartitionData readOne(PartitionFetch p, FetchParams params, int maxBytes, boolean minOneBatch,
                                  MetadataImage image) {
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
            return data.setErrorCode((replicas.registration(p.id().topicPartition()).isPresent()
                    ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
        }
        Errors epochError = partition.checkLeaderEpoch(p.currentLeaderEpoch());
        if (epochError != Errors.NONE) {
            return data.setErrorCode(epochError.code());
        }
        if (!partition.isLeader() && params.fetchOnlyLeader()) {
            return data.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        try {
            if (!params.isFromFollower()) {
                OptionalInt preferred = selector.preferredReadReplica(partition, params.clientMetadata(), p.fetchOffset(),
                        image);
                if (preferred.isPresent()) {
                    return withOffsets(data, partition).setPreferredReadReplica(preferred.getAsInt());
                }
            }
            if (p.lastFetchedEpoch() >= 0) {
                EpochEndOffset end = partition.log().endOffsetForEpoch(p.lastFetchedEpoch());
                if (end.leaderEpoch() < p.lastFetchedEpoch() || end.endOffset() < p.fetchOffset()) {
                    data.divergingEpoch().setEpoch(end.leaderEpoch()).setEndOffset(end.endOffset());
                    return withOffsets(data, partition);
                }
            }
            if (params.isFromFollower()) {
                if (!partition.registration().replicas().contains(params.replicaId())) {
                    return data.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
                }
                boolean throttled = isLeaderThrottled(partition, params.replicaId());
                if (throttled && replicas.leaderQuota().isExceeded()) {
                    return withOffsets(data, partition);
                }
                LogReadInfo info = partition.readAsLeaderForFollower(p.fetchOffset(), maxBytes, minOneBatch);
                if (throttled) {
                    replicas.leaderQuota().record(info.records().sizeInBytes());
                }
                return withOffsets(data.setRecords(info.records()), partition);
            }
            long lastStableOffset = partition.log().lastStableOffset();
            if (params.isolation() != IsolationLevel.READ_COMMITTED) {
                LogReadInfo info = partition.readUpToHighWatermark(p.fetchOffset(), maxBytes, minOneBatch);
                return data.setRecords(info.records())
                        .setHighWatermark(info.highWatermark())
                        .setLastStableOffset(Math.min(lastStableOffset, info.highWatermark()))
                        .setLogStartOffset(info.logStartOffset());
            }
            LogReadInfo info = partition.readUpToLastStableOffset(p.fetchOffset(), maxBytes, lastStableOffset, minOneBatch);
            data.setRecords(info.records())
                    .setHighWatermark(info.highWatermark())
                    .setLastStableOffset(lastStableOffset)
                    .setLogStartOffset(info.logStartOffset());
            List<AbortedTransaction> aborted = new ArrayList<>(0);
            if (info.records().sizeInBytes() > 0) {
                for (AbortedTxn txn : partition.log().abortedTransactions(p.fetchOffset(), lastStableOffset)) {
                    aborted.add(new AbortedTransaction().setProducerId(txn.producerId()).setFirstOffset(txn.firstOffset()));
                }
            }
            return data.setAbortedTransactions(aborted);
        } catch (ApiException e) {
            // With the offsets, a follower out of range can tell whether it is below the log start.
            return withOffsets(data, partition).setErrorCode(Errors.forException(e).code());
        } catch (RuntimeException e) {
            log.error("Reading {} at offset {} failed", p.id(), p.fetchOffset(), e);
            return data.setErrorCode(Errors.forException(e).code());
        }
    }

    private static PartitionData withOffsets(PartitionData data, Partition partition) {
        long lastStableOffset = partition.log().lastStableOffset();
        long highWatermark = partition.log().highWatermark();
        return data.setHighWatermark(highWatermark).setLastStableOffset(Math.min(lastStableOffset, highWatermark))
                .setLogStartOffset(partition.log().logStartOffset());
    }

    /** Whether sending {@code partition} to {@code replicaId} counts against the leader throttle (KIP-73). */
    private boolean isLeaderThrottled(Partition partition, int replicaId) {
        return replicas.leaderQuota().isThrottled(partition.topicPartition()) && !partition.isr().contains(replicaId);
    }
}
