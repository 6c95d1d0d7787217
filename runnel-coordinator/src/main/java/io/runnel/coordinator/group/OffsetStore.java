package io.runnel.coordinator.group;

import io.runnel.coordinator.runtime.CoordinatorRecord;
import io.runnel.coordinator.runtime.CoordinatorResult;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The committed offsets of one shard's groups (record type 1) and the offset APIs over them.
 * Offsets change only in the replay methods. Callers pass only topics and partitions that exist:
 * the broker answers unknown ones with UNKNOWN_TOPIC_OR_PARTITION before asking.
 *
 * <p>Transactions (TxnOffsetCommit): an offset written in a producer's transaction is pending
 * ({@link PendingTxnOffsets}) until the producer's marker. A COMMIT makes each pending offset the
 * committed one unless a commit replayed after it already replaced it (Kafka's rule: the most
 * recent record wins, so a load after compaction gives the same answer); an ABORT drops them. An
 * OffsetFetch with {@code require_stable} answers UNSTABLE_OFFSET_COMMIT for a pending partition;
 * one without sees only committed offsets. Pending offsets keep their group from expiring.
 *
 * <p>Thread-safety: confined to the shard's thread.
 */
public final class OffsetStore {
    private final GroupConfig config;
    private final Time time;
    /** group id -> partition -> offset; partitions sorted so answers list topics in order. */
    private final Map<String, Map<TopicPartition, Committed>> offsets = new HashMap<>();
    private final PendingTxnOffsets pending = new PendingTxnOffsets();
    /** How many offset records were replayed: the log order of each offset, compaction-proof. */
    private long replayed;

    public OffsetStore(GroupConfig config, Time time) {
        this.config = config;
        this.time = time;
    }

    /** Applies a type 1 record written outside a transaction. A tombstone also drops pending offsets of its partition. */
    public void replay(CoordinatorRecord record) {
        OffsetRecords.Key key = OffsetRecords.readKey(record.key());
        long order = replayed++;
        if (record.isTombstone()) {
            Map<TopicPartition, Committed> group = offsets.get(key.groupId());
            if (group != null) {
                group.remove(key.topicPartition());
                if (group.isEmpty()) {
                    offsets.remove(key.groupId());
                }
            }
            pending.remove(key.groupId(), key.topicPartition());
        } else {
            put(key.groupId(), key.topicPartition(), new Committed(OffsetRecords.readValue(record.value()), order));
        }
    }

    /** Applies a type 1 record of {@code producerId}'s open transaction: pending until its marker. */
    public void replayTransactional(long producerId, CoordinatorRecord record) {
        if (record.isTombstone()) {
            replay(record); // not written in transactions here; one would delete like any tombstone
            return;
        }
        OffsetRecords.Key key = OffsetRecords.readKey(record.key());
        pending.add(producerId, key.groupId(), key.topicPartition(),
                new PendingTxnOffsets.Pending(OffsetRecords.readValue(record.value()), replayed++));
    }

    /** Applies the producer's marker: a COMMIT makes its pending offsets committed (unless newer ones exist), an ABORT drops them. */
    public void replayEndTransaction(long producerId, boolean commit) {
        Map<String, Map<TopicPartition, PendingTxnOffsets.Pending>> ended = pending.end(producerId);
        if (!commit) {
            return;
        }
        ended.forEach((groupId, partitions) -> partitions.forEach((tp, p) -> {
            Committed current = offsets.getOrDefault(groupId, Map.of()).get(tp);
            if (current == null || current.order < p.order()) {
                put(groupId, tp, new Committed(p.offset(), p.order()));
            }
        }));
    }

    public boolean hasOffsets(String groupId) {
        return offsets.containsKey(groupId);
    }

    /** Whether an open transaction committed offsets to the group. */
    public boolean hasPendingOffsets(String groupId) {
        return pending.hasOpenTransactions(groupId);
    }

    /**
     * Commits the request's offsets after the group check. {@code groupError} (from
     * {@link Group#validateOffsetCommit}) fails every partition; oversized metadata fails its own.
     */
    public CoordinatorResult<OffsetCommitResponseData> commit(OffsetCommitRequestData request, Errors groupError) {
        long now = time.milliseconds();
        List<CoordinatorRecord> records = new ArrayList<>();
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (var topic : request.topics()) {
            OffsetCommitResponseTopic out = new OffsetCommitResponseTopic().setName(topic.name()).setTopicId(topic.topicId());
            response.topics().add(out);
            for (var p : topic.partitions()) {
                Errors error = commitPartition(request.groupId(), groupError, new TopicPartition(topic.name(),
                        p.partitionIndex()), p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata(), now, records);
                out.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
        }
        return new CoordinatorResult<>(records, response);
    }

    /**
     * TxnOffsetCommit after the group check ({@link Group#validateTxnOffsetCommit}): the same
     * records as an OffsetCommit; the runtime appends them in the producer's transaction.
     */
    public CoordinatorResult<TxnOffsetCommitResponseData> commitTransactional(TxnOffsetCommitRequestData request,
                                                                              Errors groupError) {
        long now = time.milliseconds();
        List<CoordinatorRecord> records = new ArrayList<>();
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        for (var topic : request.topics()) {
            TxnOffsetCommitResponseTopic out = new TxnOffsetCommitResponseTopic().setName(topic.name());
            response.topics().add(out);
            for (var p : topic.partitions()) {
                Errors error = commitPartition(request.groupId(), groupError, new TopicPartition(topic.name(),
                        p.partitionIndex()), p.committedOffset(), p.committedLeaderEpoch(), p.committedMetadata(), now, records);
                out.partitions().add(new TxnOffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
        }
        return new CoordinatorResult<>(records, response);
    }

    private Errors partitionError(Errors groupError, String metadata) {
        if (groupError == Errors.NONE && metadata != null
                && metadata.getBytes(StandardCharsets.UTF_8).length > config.offsetMetadataMaxBytes()) {
            return Errors.OFFSET_METADATA_TOO_LARGE;
        }
        return groupError;
    }

    /** One partition of a commit: its record goes to {@code records} unless it fails; returns its error. */
    private Errors commitPartition(String groupId, Errors groupError, TopicPartition tp, long offset, int leaderEpoch,
                                   String metadata, long now, List<CoordinatorRecord> records) {
        Errors error = partitionError(groupError, metadata);
        if (error == Errors.NONE) {
            records.add(OffsetRecords.commit(groupId, tp,
                    new OffsetAndMetadata(offset, leaderEpoch, metadata == null ? "" : metadata, now)));
        }
        return error;
    }

    /**
     * Committed offsets of one group: of the named topics, or of all committed ones when
     * {@code topics} is null. A partition without a committed offset answers offset -1. With
     * {@code requireStable} (OffsetFetch v7+), a partition an open transaction committed to
     * answers UNSTABLE_OFFSET_COMMIT (offset -1), as Kafka does; the client retries.
     */
    public OffsetFetchResponseGroup fetch(OffsetFetchRequestGroup request, boolean requireStable) {
        String groupId = request.groupId();
        OffsetFetchResponseGroup response = new OffsetFetchResponseGroup().setGroupId(groupId);
        Map<TopicPartition, Committed> committed = committedOf(groupId);
        if (request.topics() == null) {
            Map<String, OffsetFetchResponseTopics> byTopic = new TreeMap<>();
            committed.forEach((tp, offset) -> byTopic
                    .computeIfAbsent(tp.topic(), t -> new OffsetFetchResponseTopics().setName(t))
                    .partitions().add(partition(groupId, tp, offset, requireStable)));
            response.topics().addAll(byTopic.values());
            return response;
        }
        for (var topic : request.topics()) {
            OffsetFetchResponseTopics out = new OffsetFetchResponseTopics().setName(topic.name()).setTopicId(topic.topicId());
            response.topics().add(out);
            for (int p : topic.partitionIndexes()) {
                TopicPartition tp = new TopicPartition(topic.name(), p);
                out.partitions().add(partition(groupId, tp, committed.get(tp), requireStable));
            }
        }
        return response;
    }

    /**
     * OffsetDelete: deletes the named offsets of a group, except those of topics a live member
     * consumes (GROUP_SUBSCRIBED_TO_TOPIC).
     */
    public CoordinatorResult<OffsetDeleteResponseData> delete(OffsetDeleteRequestData request, Group group) {
        List<CoordinatorRecord> records = new ArrayList<>();
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        Map<TopicPartition, Committed> committed = committedOf(request.groupId());
        for (var topic : request.topics()) {
            OffsetDeleteResponseTopic out = new OffsetDeleteResponseTopic().setName(topic.name());
            response.topics().add(out);
            boolean subscribed = group.isSubscribedTo(topic.name());
            for (var p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                Errors error = subscribed ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
                if (error == Errors.NONE && committed.containsKey(tp)) {
                    records.add(OffsetRecords.tombstone(request.groupId(), tp));
                }
                out.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
        }
        return new CoordinatorResult<>(records, response);
    }

    /**
     * Tombstones for every offset of the group (DeleteGroups), pending ones included: a
     * tombstone drops the partition's pending offsets too, so a later COMMIT brings none back.
     */
    public List<CoordinatorRecord> deleteAll(String groupId) {
        List<CoordinatorRecord> records = new ArrayList<>();
        Map<TopicPartition, Committed> committed = committedOf(groupId);
        committed.keySet().forEach(tp -> records.add(OffsetRecords.tombstone(groupId, tp)));
        pending.pendingPartitions(groupId).forEach(tp -> {
            if (!committed.containsKey(tp)) {
                records.add(OffsetRecords.tombstone(groupId, tp));
            }
        });
        return records;
    }

    /**
     * Tombstones for the offsets of {@code groupId} older than {@code offsets.retention.minutes}
     * by the group's rule ({@link Group#offsetExpirationBaseMs}); {@code group} null means a
     * group that only has offsets, whose offsets age from their commit. An offset an open
     * transaction committed to does not expire, and a group with open transactions is never
     * "all expired" (Kafka's rule: the transaction's outcome must find its group).
     *
     * @return the tombstones, and whether they remove all of the group's offsets
     */
    public ExpiredOffsets expire(String groupId, Group group) {
        long now = time.milliseconds();
        List<CoordinatorRecord> records = new ArrayList<>();
        Map<TopicPartition, Committed> committed = committedOf(groupId);
        committed.forEach((tp, c) -> {
            long commitMs = c.offset.commitTimestampMs();
            long base = group == null ? commitMs : group.offsetExpirationBaseMs(tp.topic(), commitMs);
            if (base >= 0 && now - base >= config.offsetsRetentionMs() && !pending.isPending(groupId, tp)) {
                records.add(OffsetRecords.tombstone(groupId, tp));
            }
        });
        boolean allExpired = !committed.isEmpty() && records.size() == committed.size()
                && !pending.hasOpenTransactions(groupId);
        return new ExpiredOffsets(records, allExpired);
    }

    /** What {@link #expire} found. */
    public record ExpiredOffsets(List<CoordinatorRecord> tombstones, boolean allExpired) {
    }

    public Iterable<String> groupIds() {
        return List.copyOf(offsets.keySet());
    }

    private OffsetFetchResponsePartitions partition(String groupId, TopicPartition tp, Committed committed,
                                                    boolean requireStable) {
        OffsetFetchResponsePartitions out = new OffsetFetchResponsePartitions().setPartitionIndex(tp.partition());
        if (requireStable && pending.isPending(groupId, tp)) {
            return out.setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("")
                    .setErrorCode(Errors.UNSTABLE_OFFSET_COMMIT.code());
        }
        if (committed == null) {
            return out.setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("");
        }
        OffsetAndMetadata offset = committed.offset;
        return out.setCommittedOffset(offset.offset()).setCommittedLeaderEpoch(offset.leaderEpoch())
                .setMetadata(offset.metadata());
    }

    private Map<TopicPartition, Committed> committedOf(String groupId) {
        return offsets.getOrDefault(groupId, Map.of());
    }

    private void put(String groupId, TopicPartition tp, Committed committed) {
        offsets.computeIfAbsent(groupId, g -> new TreeMap<>(OffsetStore::compare)).put(tp, committed);
    }

    /** A committed offset and the replay order of the record that made it. */
    private record Committed(OffsetAndMetadata offset, long order) {
    }

    private static int compare(TopicPartition a, TopicPartition b) {
        int byTopic = a.topic().compareTo(b.topic());
        return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
    }
}
