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
 * Offsets change only in {@link #replay}. Callers pass only topics and partitions that exist:
 * the broker answers unknown ones with UNKNOWN_TOPIC_OR_PARTITION before asking.
 *
 * <p>Thread-safety: confined to the shard's thread.
 */
public final class OffsetStore {
    private final GroupConfig config;
    private final Time time;
    /** group id -> partition -> offset; partitions sorted so answers list topics in order. */
    private final Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets = new HashMap<>();

    public OffsetStore(GroupConfig config, Time time) {
        this.config = config;
        this.time = time;
    }

    /** Applies a type 1 record. */
    public void replay(CoordinatorRecord record) {
        OffsetRecords.Key key = OffsetRecords.readKey(record.key());
        if (record.isTombstone()) {
            Map<TopicPartition, OffsetAndMetadata> group = offsets.get(key.groupId());
            if (group != null) {
                group.remove(key.topicPartition());
                if (group.isEmpty()) {
                    offsets.remove(key.groupId());
                }
            }
        } else {
            offsets.computeIfAbsent(key.groupId(), g -> new TreeMap<>(OffsetStore::compare))
                    .put(key.topicPartition(), OffsetRecords.readValue(record.value()));
        }
    }

    public boolean hasOffsets(String groupId) {
        return offsets.containsKey(groupId);
    }

    /** The group's committed offsets (empty if none); a read-only view. */
    public Map<TopicPartition, OffsetAndMetadata> offsetsOf(String groupId) {
        return offsets.getOrDefault(groupId, Map.of());
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
                Errors error = groupError;
                if (error == Errors.NONE && p.committedMetadata() != null
                        && p.committedMetadata().getBytes(StandardCharsets.UTF_8).length > config.offsetMetadataMaxBytes()) {
                    error = Errors.OFFSET_METADATA_TOO_LARGE;
                }
                if (error == Errors.NONE) {
                    String metadata = p.committedMetadata() == null ? "" : p.committedMetadata();
                    records.add(OffsetRecords.commit(request.groupId(), new TopicPartition(topic.name(), p.partitionIndex()),
                            new OffsetAndMetadata(p.committedOffset(), p.committedLeaderEpoch(), metadata, now)));
                }
                out.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
        }
        return new CoordinatorResult<>(records, response);
    }

    /**
     * Committed offsets of one group: of the named topics, or of all when {@code topics} is null.
     * A partition without a committed offset answers offset -1. {@code require_stable} needs
     * transactions to mean anything, so it is ignored until they exist.
     */
    public OffsetFetchResponseGroup fetch(OffsetFetchRequestGroup request) {
        OffsetFetchResponseGroup response = new OffsetFetchResponseGroup().setGroupId(request.groupId());
        Map<TopicPartition, OffsetAndMetadata> committed = offsetsOf(request.groupId());
        if (request.topics() == null) {
            Map<String, OffsetFetchResponseTopics> byTopic = new TreeMap<>();
            committed.forEach((tp, offset) -> byTopic
                    .computeIfAbsent(tp.topic(), t -> new OffsetFetchResponseTopics().setName(t))
                    .partitions().add(partition(tp.partition(), offset)));
            response.topics().addAll(byTopic.values());
            return response;
        }
        for (var topic : request.topics()) {
            OffsetFetchResponseTopics out = new OffsetFetchResponseTopics().setName(topic.name()).setTopicId(topic.topicId());
            response.topics().add(out);
            for (int p : topic.partitionIndexes()) {
                out.partitions().add(partition(p, committed.get(new TopicPartition(topic.name(), p))));
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
        Map<TopicPartition, OffsetAndMetadata> committed = offsetsOf(request.groupId());
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

    /** Tombstones for every offset of the group (DeleteGroups). */
    public List<CoordinatorRecord> deleteAll(String groupId) {
        List<CoordinatorRecord> records = new ArrayList<>();
        offsetsOf(groupId).keySet().forEach(tp -> records.add(OffsetRecords.tombstone(groupId, tp)));
        return records;
    }

    /**
     * Tombstones for the offsets of {@code groupId} older than {@code offsets.retention.minutes}
     * by the group's rule ({@link Group#offsetExpirationBaseMs}); {@code group} null means a
     * group that only has offsets, whose offsets age from their commit.
     *
     * @return the tombstones, and whether they remove all of the group's offsets
     */
    public ExpiredOffsets expire(String groupId, Group group) {
        long now = time.milliseconds();
        List<CoordinatorRecord> records = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> committed = offsetsOf(groupId);
        committed.forEach((tp, offset) -> {
            long base = group == null ? offset.commitTimestampMs()
                    : group.offsetExpirationBaseMs(tp.topic(), offset.commitTimestampMs());
            if (base >= 0 && now - base >= config.offsetsRetentionMs()) {
                records.add(OffsetRecords.tombstone(groupId, tp));
            }
        });
        return new ExpiredOffsets(records, !committed.isEmpty() && records.size() == committed.size());
    }

    /** What {@link #expire} found. */
    public record ExpiredOffsets(List<CoordinatorRecord> tombstones, boolean allExpired) {
    }

    public Iterable<String> groupIds() {
        return List.copyOf(offsets.keySet());
    }

    private static OffsetFetchResponsePartitions partition(int index, OffsetAndMetadata offset) {
        OffsetFetchResponsePartitions out = new OffsetFetchResponsePartitions().setPartitionIndex(index);
        if (offset == null) {
            return out.setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("");
        }
        return out.setCommittedOffset(offset.offset()).setCommittedLeaderEpoch(offset.leaderEpoch())
                .setMetadata(offset.metadata());
    }

    private static int compare(TopicPartition a, TopicPartition b) {
        int byTopic = a.topic().compareTo(b.topic());
        return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
    }
}
