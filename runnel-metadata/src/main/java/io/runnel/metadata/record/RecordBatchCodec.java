package io.runnel.metadata.record;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.PartitionRegistration;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a batch of metadata records, as one Raft log entry carries it.
 *
 * <p>Format (big-endian): {@code byte batchVersion(0), int count}, then per record
 * {@code byte type, byte version, fields} (version 0, or 1 where a type says so). Fields: int32/int64 as is, boolean as one byte,
 * strings as {@code int length (-1 = null), UTF-8 bytes}, Uuids as two int64, int lists as
 * {@code int count, int32...}. Record types and their fields:
 * <ol>
 *   <li>TopicRecord: name, topicId</li>
 *   <li>PartitionRecord: topicId, partitionId, replicas, isr, leader, leaderEpoch, partitionEpoch; version 1
 *       adds addingReplicas, removingReplicas, elr, lastKnownElr (empty in version 0)</li>
 *   <li>RemoveTopicRecord: topicId</li>
 *   <li>ConfigRecord: resourceType (Kafka's ConfigResource.Type id), resourceName, name, value (null = delete)</li>
 *   <li>RegisterBrokerRecord: id, incarnationId, rack, fenced, int endpointCount,
 *       then per endpoint listenerName, host, port, securityProtocol</li>
 *   <li>ProducerIdsRecord: brokerId, nextProducerId (int64)</li>
 *   <li>BrokerFencingRecord: brokerId, incarnationId, fenced</li>
 *   <li>PartitionChangeRecord: topicId, partitionId, isr, leader, leaderEpoch, partitionEpoch; version 1 adds
 *       elr, lastKnownElr (empty in version 0)</li>
 * </ol>
 * A reader refuses versions it does not know rather than guessing. Stateless and thread-safe.
 */
public final class RecordBatchCodec {
    private static final byte BATCH_VERSION = 0;
    private static final byte RECORD_VERSION = 0;
    /** The version of the partition records, which grew reassignment and ELR fields. */
    private static final byte PARTITION_VERSION = 1;
    private static final byte TOPIC = 1;
    private static final byte PARTITION = 2;
    private static final byte REMOVE_TOPIC = 3;
    private static final byte CONFIG = 4;
    private static final byte REGISTER_BROKER = 5;
    private static final byte PRODUCER_IDS = 6;
    private static final byte BROKER_FENCING = 7;
    private static final byte PARTITION_CHANGE = 8;

    private RecordBatchCodec() {
    }

    public static byte[] encode(List<MetadataRecord> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 32 * records.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(BATCH_VERSION);
            out.writeInt(records.size());
            for (MetadataRecord record : records) {
                write(out, record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: in-memory stream
        }
        return bytes.toByteArray();
    }

    /** Decodes a batch; throws {@link IllegalArgumentException} on corrupt or unknown input. */
    public static List<MetadataRecord> decode(ByteBuffer buffer) {
        try {
            byte version = buffer.get();
            if (version != BATCH_VERSION) {
                throw new IllegalArgumentException("Unknown metadata batch version " + version);
            }
            int count = buffer.getInt();
            if (count < 0 || count > buffer.remaining()) {
                throw new IllegalArgumentException("Bad metadata batch record count " + count);
            }
            List<MetadataRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                records.add(read(buffer));
            }
            return records;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("Truncated metadata batch", e);
        }
    }

    private static void write(DataOutputStream out, MetadataRecord record) throws IOException {
        if (record instanceof TopicRecord r) {
            header(out, TOPIC);
            writeString(out, r.name());
            writeUuid(out, r.topicId());
        } else if (record instanceof PartitionRecord r) {
            header(out, PARTITION, PARTITION_VERSION);
            writeUuid(out, r.topicId());
            out.writeInt(r.partitionId());
            PartitionRegistration p = r.registration();
            writeInts(out, p.replicas());
            writeInts(out, p.isr());
            out.writeInt(p.leader());
            out.writeInt(p.leaderEpoch());
            out.writeInt(p.partitionEpoch());
            writeInts(out, p.addingReplicas());
            writeInts(out, p.removingReplicas());
            writeInts(out, p.elr());
            writeInts(out, p.lastKnownElr());
        } else if (record instanceof RemoveTopicRecord r) {
            header(out, REMOVE_TOPIC);
            writeUuid(out, r.topicId());
        } else if (record instanceof ConfigRecord r) {
            header(out, CONFIG);
            out.writeByte(r.resourceType().id());
            writeString(out, r.resourceName());
            writeString(out, r.name());
            writeString(out, r.value());
        } else if (record instanceof RegisterBrokerRecord r) {
            header(out, REGISTER_BROKER);
            BrokerRegistration b = r.registration();
            out.writeInt(b.id());
            writeUuid(out, b.incarnationId());
            writeString(out, b.rack());
            out.writeBoolean(b.fenced());
            out.writeInt(b.endpoints().size());
            for (BrokerRegistration.Endpoint e : b.endpoints()) {
                writeString(out, e.listenerName());
                writeString(out, e.host());
                out.writeInt(e.port());
                writeString(out, e.securityProtocol());
            }
        } else if (record instanceof ProducerIdsRecord r) {
            header(out, PRODUCER_IDS);
            out.writeInt(r.brokerId());
            out.writeLong(r.nextProducerId());
        } else if (record instanceof BrokerFencingRecord r) {
            header(out, BROKER_FENCING);
            out.writeInt(r.brokerId());
            writeUuid(out, r.incarnationId());
            out.writeBoolean(r.fenced());
        } else if (record instanceof PartitionChangeRecord r) {
            header(out, PARTITION_CHANGE, PARTITION_VERSION);
            writeUuid(out, r.topicId());
            out.writeInt(r.partitionId());
            writeInts(out, r.isr());
            out.writeInt(r.leader());
            out.writeInt(r.leaderEpoch());
            out.writeInt(r.partitionEpoch());
            writeInts(out, r.elr());
            writeInts(out, r.lastKnownElr());
        } else {
            throw new IllegalArgumentException("Unknown record " + record);
        }
    }

    private static MetadataRecord read(ByteBuffer in) {
        byte type = in.get();
        byte version = in.get();
        boolean partitionType = type == PARTITION || type == PARTITION_CHANGE;
        if (version != RECORD_VERSION && !(partitionType && version == PARTITION_VERSION)) {
            throw new IllegalArgumentException("Unknown version " + version + " of metadata record type " + type);
        }
        switch (type) {
            case TOPIC:
                return new TopicRecord(readString(in), readUuid(in));
            case PARTITION:
                return readPartition(in, version);
            case REMOVE_TOPIC:
                return new RemoveTopicRecord(readUuid(in));
            case CONFIG:
                return new ConfigRecord(ConfigResource.Type.forId(in.get()), readString(in), readString(in),
                        readString(in));
            case REGISTER_BROKER:
                return new RegisterBrokerRecord(readBroker(in));
            case PRODUCER_IDS:
                return new ProducerIdsRecord(in.getInt(), in.getLong());
            case BROKER_FENCING:
                return new BrokerFencingRecord(in.getInt(), readUuid(in), in.get() != 0);
            case PARTITION_CHANGE:
                return readPartitionChange(in, version);
            default:
                throw new IllegalArgumentException("Unknown metadata record type " + type);
        }
    }

    private static PartitionRecord readPartition(ByteBuffer in, byte version) {
        Uuid topicId = readUuid(in);
        int partitionId = in.getInt();
        List<Integer> replicas = readInts(in);
        List<Integer> isr = readInts(in);
        int leader = in.getInt();
        int leaderEpoch = in.getInt();
        int partitionEpoch = in.getInt();
        if (version == RECORD_VERSION) {
            return new PartitionRecord(topicId, partitionId, replicas, isr, leader, leaderEpoch, partitionEpoch);
        }
        return new PartitionRecord(topicId, partitionId, new PartitionRegistration(replicas, isr, leader, leaderEpoch,
                partitionEpoch, readInts(in), readInts(in), readInts(in), readInts(in)));
    }

    private static PartitionChangeRecord readPartitionChange(ByteBuffer in, byte version) {
        Uuid topicId = readUuid(in);
        int partitionId = in.getInt();
        List<Integer> isr = readInts(in);
        int leader = in.getInt();
        int leaderEpoch = in.getInt();
        int partitionEpoch = in.getInt();
        if (version == RECORD_VERSION) {
            return new PartitionChangeRecord(topicId, partitionId, isr, leader, leaderEpoch, partitionEpoch);
        }
        return new PartitionChangeRecord(topicId, partitionId, isr, leader, leaderEpoch, partitionEpoch,
                readInts(in), readInts(in));
    }

    private static BrokerRegistration readBroker(ByteBuffer in) {
        int id = in.getInt();
        Uuid incarnation = readUuid(in);
        String rack = readString(in);
        boolean fenced = in.get() != 0;
        int count = in.getInt();
        if (count < 0 || count > in.remaining()) {
            throw new IllegalArgumentException("Bad endpoint count " + count);
        }
        List<BrokerRegistration.Endpoint> endpoints = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            endpoints.add(new BrokerRegistration.Endpoint(readString(in), readString(in), in.getInt(), readString(in)));
        }
        return new BrokerRegistration(id, incarnation, List.copyOf(endpoints), rack, fenced);
    }

    private static void header(DataOutputStream out, byte type) throws IOException {
        header(out, type, RECORD_VERSION);
    }

    private static void header(DataOutputStream out, byte type, byte version) throws IOException {
        out.writeByte(type);
        out.writeByte(version);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(ByteBuffer in) {
        int length = in.getInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("Bad string length " + length);
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeUuid(DataOutputStream out, Uuid id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static Uuid readUuid(ByteBuffer in) {
        return new Uuid(in.getLong(), in.getLong());
    }

    private static void writeInts(DataOutputStream out, List<Integer> values) throws IOException {
        out.writeInt(values.size());
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static List<Integer> readInts(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0 || count > in.remaining() / 4) {
            throw new IllegalArgumentException("Bad list length " + count);
        }
        Integer[] values = new Integer[count];
        for (int i = 0; i < count; i++) {
            values[i] = in.getInt();
        }
        return List.of(values);
    }
}
