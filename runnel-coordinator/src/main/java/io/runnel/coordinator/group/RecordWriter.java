package io.runnel.coordinator.group;

import org.apache.kafka.common.Uuid;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the key or value of a {@code __consumer_offsets} record. Encoding: big-endian integers;
 * a string is an int16 byte length (-1 for null) then UTF-8 bytes; bytes are an int32 length
 * (-1 for null) then the bytes; a string list is an int32 count and the strings; an assignment
 * (partitions by topic id) is an int32 topic count and, per topic in ascending id order, the id
 * (two int64), an int32 partition count and the partitions ascending (int32 each). Group writes
 * are rare next to produce traffic, so a stream is simple enough. Not thread-safe.
 */
public final class RecordWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    private final DataOutputStream out = new DataOutputStream(bytes);

    public RecordWriter int8(byte v) {
        return run(() -> out.writeByte(v));
    }

    public RecordWriter int16(int v) {
        return run(() -> out.writeShort(v));
    }

    public RecordWriter int32(int v) {
        return run(() -> out.writeInt(v));
    }

    public RecordWriter int64(long v) {
        return run(() -> out.writeLong(v));
    }

    public RecordWriter string(String s) {
        if (s == null) {
            return int16(-1);
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string of " + utf8.length + " bytes is too long for a record");
        }
        return run(() -> {
            out.writeShort(utf8.length);
            out.write(utf8);
        });
    }

    public RecordWriter bytes(byte[] b) {
        if (b == null) {
            return int32(-1);
        }
        return run(() -> {
            out.writeInt(b.length);
            out.write(b);
        });
    }

    public RecordWriter strings(List<String> values) {
        int32(values.size());
        values.forEach(this::string);
        return this;
    }

    public RecordWriter assignment(Map<Uuid, Set<Integer>> assignment) {
        int32(assignment.size());
        new TreeMap<>(assignment).forEach((topicId, partitions) -> {
            int64(topicId.getMostSignificantBits());
            int64(topicId.getLeastSignificantBits());
            int32(partitions.size());
            new TreeSet<>(partitions).forEach(this::int32);
        });
        return this;
    }

    public byte[] toByteArray() {
        return bytes.toByteArray();
    }

    private RecordWriter run(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return this;
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
