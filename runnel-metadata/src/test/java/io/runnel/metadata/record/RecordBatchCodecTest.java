package io.runnel.metadata.record;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Metadata logs written before the partition records grew reassignment and ELR fields still replay. */
class RecordBatchCodecTest {
    private static final Uuid TOPIC = new Uuid(7, 9);

    @Test
    void readsVersionZeroPartitionRecords() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(0);
            out.writeInt(2);
            out.writeByte(2); // PartitionRecord, version 0
            out.writeByte(0);
            partitionFields(out, List.of(1, 2, 3), List.of(1, 2));
            out.writeByte(8); // PartitionChangeRecord, version 0
            out.writeByte(0);
            out.writeLong(TOPIC.getMostSignificantBits());
            out.writeLong(TOPIC.getLeastSignificantBits());
            out.writeInt(4);
            ints(out, List.of(2));
            out.writeInt(2);
            out.writeInt(6);
            out.writeInt(8);
        }
        assertThat(RecordBatchCodec.decode(ByteBuffer.wrap(bytes.toByteArray()))).containsExactly(
                new PartitionRecord(TOPIC, 4, List.of(1, 2, 3), List.of(1, 2), 1, 5, 7),
                new PartitionChangeRecord(TOPIC, 4, List.of(2), 2, 6, 8));
    }

    private static void partitionFields(DataOutputStream out, List<Integer> replicas, List<Integer> isr)
            throws IOException {
        out.writeLong(TOPIC.getMostSignificantBits());
        out.writeLong(TOPIC.getLeastSignificantBits());
        out.writeInt(4);
        ints(out, replicas);
        ints(out, isr);
        out.writeInt(1);
        out.writeInt(5);
        out.writeInt(7);
    }

    private static void ints(DataOutputStream out, List<Integer> values) throws IOException {
        out.writeInt(values.size());
        for (int v : values) {
            out.writeInt(v);
        }
    }
}
