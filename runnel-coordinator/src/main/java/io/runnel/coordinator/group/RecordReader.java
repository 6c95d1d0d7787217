package io.runnel.coordinator.group;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Reads what {@link RecordWriter} wrote, in the same order. Not thread-safe. */
public final class RecordReader {
    private final ByteBuffer buffer;

    public RecordReader(byte[] bytes) {
        this.buffer = ByteBuffer.wrap(bytes);
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
}
