package io.runnel.coordinator.group;

import io.runnel.coordinator.runtime.CoordinatorRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Committed offsets in {@code __consumer_offsets}: type 1 (type 0 is Kafka's legacy key version,
 * never written here).
 *
 * <pre>
 * key:   int16 type=1, string group, string topic, int32 partition
 * value: int16 version=0, int64 offset, int32 leaderEpoch, string metadata, int64 commitTimestampMs
 * </pre>
 * A tombstone deletes the offset.
 */
public final class OffsetRecords {
    public static final short TYPE = 1;

    private OffsetRecords() {
    }

    public static CoordinatorRecord commit(String groupId, TopicPartition tp, OffsetAndMetadata offset) {
        byte[] value = new RecordWriter().int16(0).int64(offset.offset()).int32(offset.leaderEpoch())
                .string(offset.metadata()).int64(offset.commitTimestampMs()).toByteArray();
        return new CoordinatorRecord(TYPE, key(groupId, tp), value);
    }

    public static CoordinatorRecord tombstone(String groupId, TopicPartition tp) {
        return new CoordinatorRecord(TYPE, key(groupId, tp), null);
    }

    /** The decoded key: group and partition. */
    public record Key(String groupId, TopicPartition topicPartition) {
    }

    public static Key readKey(byte[] key) {
        RecordReader in = new RecordReader(key);
        in.int16();
        String group = in.string();
        String topic = in.string();
        return new Key(group, new TopicPartition(topic, in.int32()));
    }

    public static OffsetAndMetadata readValue(byte[] value) {
        RecordReader in = new RecordReader(value);
        in.int16();
        return new OffsetAndMetadata(in.int64(), in.int32(), in.string(), in.int64());
    }

    private static byte[] key(String groupId, TopicPartition tp) {
        return new RecordWriter().int16(TYPE).string(groupId).string(tp.topic()).int32(tp.partition()).toByteArray();
    }
}
