package io.runnel.coordinator.group.consumer;

import org.apache.kafka.common.Uuid;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The field encodings of consumer group records, all big-endian: a string is an int16 byte length
 * ({@code -1} for null) and its UTF-8 bytes; bytes are an int32 length ({@code -1} for null) and
 * the bytes; a string list is an int32 count and the strings; an
 * assignment is an int32 topic count and, per topic in ascending id order, the topic id (two
 * int64), an int32 partition count and the partitions ascending (int32 each).
 */
final class BinaryFields {

    private BinaryFields() {
    }

    /** Builds one key or value. Not thread-safe; one per record. */
    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer int8(byte v) {
            return io(() -> out.writeByte(v));
        }

        Writer int16(short v) {
            return io(() -> out.writeShort(v));
        }

        Writer int32(int v) {
            return io(() -> out.writeInt(v));
        }

        Writer int64(long v) {
            return io(() -> out.writeLong(v));
        }

        Writer string(String v) {
            if (v == null) {
                return int16((short) -1);
            }
            byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("String longer than 32767 bytes");
            }
            int16((short) utf8.length);
            return io(() -> out.write(utf8));
        }

        Writer strings(List<String> values) {
            int32(values.size());
            values.forEach(this::string);
            return this;
        }

        /** An int32 length ({@code -1} for null) and the bytes. */
        Writer bytes(byte[] v) {
            if (v == null) {
                return int32(-1);
            }
            int32(v.length);
            return io(() -> out.write(v));
        }

        Writer assignment(Map<Uuid, Set<Integer>> assignment) {
            int32(assignment.size());
            new TreeMap<>(assignment).forEach((topicId, partitions) -> {
                int64(topicId.getMostSignificantBits());
                int64(topicId.getLeastSignificantBits());
                int32(partitions.size());
                new TreeSet<>(partitions).forEach(this::int32);
            });
            return this;
        }

        byte[] toBytes() {
            return bytes.toByteArray();
        }

        private Writer io(IoAction action) {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
            }
            return this;
        }

        private interface IoAction {
            void run() throws IOException;
        }
    }

    /** Reads fields in the order they were written; throws on truncated input. */
    static final class Reader {
        private final ByteBuffer buffer;

        Reader(byte[] bytes) {
            this.buffer = ByteBuffer.wrap(bytes);
        }

        byte int8() {
            return buffer.get();
        }

        short int16() {
            return buffer.getShort();
        }

        int int32() {
            return buffer.getInt();
        }

        long int64() {
            return buffer.getLong();
        }

        String string() {
            short length = buffer.getShort();
            if (length < 0) {
                return null;
            }
            byte[] utf8 = new byte[length];
            buffer.get(utf8);
            return new String(utf8, StandardCharsets.UTF_8);
        }

        List<String> strings() {
            int count = buffer.getInt();
            List<String> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                values.add(string());
            }
            return values;
        }

        byte[] bytes() {
            int length = buffer.getInt();
            if (length < 0) {
                return null;
            }
            byte[] value = new byte[length];
            buffer.get(value);
            return value;
        }

        Map<Uuid, Set<Integer>> assignment() {
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
}
