package io.runnel.coordinator.group;

import org.apache.kafka.common.Uuid;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads what {@link RecordWriter} wrote, in the same order. Not thread-safe. */
public final class RecordReader {
    private final ByteBuffer buffer;

    public RecordReader(byte[] bytes) {
        this.buffer = ByteBuffer.wrap(bytes);
    }

    public byte int8() {
        return buffer.get();
    }

    public short int16() {
        return buffer.getShort();
    }

    public int int32() {
        return buffer.getInt();
    }

    public long int64() {
        return buffer.getLong();
    }

    public String string() {
        short length = buffer.getShort();
        if (length < 0) {
            return null;
        }
        String s = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return s;
    }

    public byte[] bytes() {
        int length = buffer.getInt();
        if (length < 0) {
            return null;
        }
        byte[] b = new byte[length];
        buffer.get(b);
        return b;
    }

    public List<String> strings() {
        int count = buffer.getInt();
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(string());
        }
        return values;
    }

    public Map<Uuid, Set<Integer>> assignment() {
        int topics = buffer.getInt();
        Map<Uuid, Set<Integer>> assignment = new HashMap<>();
        for (int t = 0; t < topics; t++) {
            Uuid topicId = new Uuid(buffer.getLong(), buffer.getLong());
            int count = buffer.getInt();
            Set<Integer> partitions = new HashSet<>();
            for (int p = 0; p < count; p++) {
                partitions.add(buffer.getInt());
            }
            assignment.put(topicId, partitions);
        }
        return assignment;
    }
}
