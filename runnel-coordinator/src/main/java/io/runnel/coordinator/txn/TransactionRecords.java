package io.runnel.coordinator.txn;

import io.runnel.coordinator.group.RecordReader;
import io.runnel.coordinator.group.RecordWriter;
import io.runnel.coordinator.runtime.CoordinatorRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The records of {@code __transaction_state}: one per transactional id, type 16 (types 1-15
 * belong to {@code __consumer_offsets}). Compaction keeps the latest per id; a tombstone deletes
 * an expired id. Encoding as {@link RecordWriter}: big-endian integers, strings as an int16
 * length then UTF-8.
 *
 * <pre>
 * key:   int16 type=16, string transactionalId
 * value: int16 version=0,
 *        int64 producerId, int64 previousProducerId, int64 nextProducerId,
 *        int16 producerEpoch, int16 lastProducerEpoch, int32 timeoutMs,
 *        int16 state (Kafka's state id, {@link TransactionState#id}),
 *        int32 topicCount, then per topic (sorted by name): string topic, int32 partitionCount, int32 partition...,
 *        int64 txnStartTimestamp, int64 txnLastUpdateTimestamp (epoch milliseconds),
 *        int16 clientTransactionVersion
 * </pre>
 */
public final class TransactionRecords {
    public static final short TYPE = 16;
    private static final short VALUE_VERSION = 0;

    private TransactionRecords() {
    }

    public static CoordinatorRecord record(TransactionMetadata m) {
        RecordWriter out = new RecordWriter().int16(VALUE_VERSION).int64(m.producerId()).int64(m.previousProducerId())
                .int64(m.nextProducerId()).int16(m.producerEpoch()).int16(m.lastProducerEpoch()).int32(m.timeoutMs())
                .int16(m.state().id());
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        m.partitions().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        out.int32(byTopic.size());
        byTopic.forEach((topic, partitions) -> {
            out.string(topic).int32(partitions.size());
            partitions.stream().sorted().forEach(out::int32);
        });
        out.int64(m.txnStartTimestamp()).int64(m.txnLastUpdateTimestamp()).int16(m.clientTransactionVersion());
        return new CoordinatorRecord(TYPE, key(m.transactionalId()), out.toByteArray());
    }

    public static CoordinatorRecord tombstone(String transactionalId) {
        return new CoordinatorRecord(TYPE, key(transactionalId), null);
    }

    public static String readKey(byte[] key) {
        RecordReader in = new RecordReader(key);
        in.int16();
        return in.string();
    }

    public static TransactionMetadata readValue(String transactionalId, byte[] value) {
        RecordReader in = new RecordReader(value);
        short version = in.int16();
        if (version != VALUE_VERSION) {
            throw new IllegalStateException("unknown __transaction_state value version " + version);
        }
        long producerId = in.int64();
        long previousProducerId = in.int64();
        long nextProducerId = in.int64();
        short epoch = in.int16();
        short lastEpoch = in.int16();
        int timeoutMs = in.int32();
        TransactionState state = TransactionState.fromId(in.int16());
        int topics = in.int32();
        Set<TopicPartition> partitions = new HashSet<>();
        for (int t = 0; t < topics; t++) {
            String topic = in.string();
            int count = in.int32();
            for (int p = 0; p < count; p++) {
                partitions.add(new TopicPartition(topic, in.int32()));
            }
        }
        return new TransactionMetadata(transactionalId, producerId, previousProducerId, nextProducerId, epoch, lastEpoch,
                timeoutMs, state, partitions, in.int64(), in.int64(), in.int16());
    }

    private static byte[] key(String transactionalId) {
        return new RecordWriter().int16(TYPE).string(transactionalId).toByteArray();
    }
}
