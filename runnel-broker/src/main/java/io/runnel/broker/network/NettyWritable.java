package io.runnel.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import io.runnel.storage.FileSlice;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Writable} producing the pieces of one response frame for Netty: pooled {@link ByteBuf}
 * chunks for the message fields, a {@link SegmentFileRegion} for every {@link FileSlice} (zero copy)
 * and a wrapped (not copied) buffer for every {@link MemoryRecords}.
 *
 * <p>Each chunk is pre-sized to the bytes the frame still needs (capped by {@link #MAX_CHUNK_HINT}),
 * so a response without records is written into exactly one buffer of exactly its size.
 *
 * <p>Not thread-safe; one instance per response. {@link #finish} hands the pieces over, in order;
 * after a failure {@link #release} frees what was produced.
 */
final class NettyWritable implements Writable {
    /** Largest initial chunk capacity, bytes; a chunk grows past it if the fields need more. */
    static final int MAX_CHUNK_HINT = 64 * 1024;

    private final ByteBufAllocator allocator;
    private final long frameBytes;
    private final List<Object> pieces = new ArrayList<>(2);
    private long emittedBytes;
    private ByteBuf chunk;

    /** @param frameBytes total bytes this writer will be given, size prefix included */
    NettyWritable(ByteBufAllocator allocator, long frameBytes) {
        this.allocator = allocator;
        this.frameBytes = frameBytes;
    }

    private ByteBuf chunk() {
        if (chunk == null) {
            long remaining = frameBytes - emittedBytes;
            chunk = allocator.buffer((int) Math.max(0, Math.min(remaining, MAX_CHUNK_HINT)));
        }
        return chunk;
    }

    private void endChunk() {
        if (chunk == null) {
            return;
        }
        if (chunk.isReadable()) {
            emittedBytes += chunk.readableBytes();
            pieces.add(chunk);
        } else {
            chunk.release();
        }
        chunk = null;
    }

    @Override
    public void writeByte(byte val) {
        chunk().writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        chunk().writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        chunk().writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        chunk().writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        chunk().writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        chunk().writeBytes(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
        ByteBuf buf = chunk();
        int value = i;
        while ((value & 0xFFFFFF80) != 0) {
            buf.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf.writeByte(value);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        chunk().writeBytes(buf.duplicate());
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long i) {
        ByteBuf buf = chunk();
        long value = (i << 1) ^ (i >> 63);
        while ((value & 0xFFFFFFFFFFFFFF80L) != 0) {
            buf.writeByte(((int) value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buf.writeByte((int) value);
    }

    /** Ends the current chunk and adds the records as a piece of their own, without copying. */
    @Override
    public void writeRecords(BaseRecords records) {
        int size = records.sizeInBytes();
        if (size == 0) {
            return;
        }
        if (records instanceof FileSlice slice) {
            endChunk();
            pieces.add(new SegmentFileRegion(slice.channel(), slice.position(), size));
        } else if (records instanceof MemoryRecords memory) {
            endChunk();
            pieces.add(Unpooled.wrappedBuffer(memory.buffer()));
        } else {
            throw new IllegalArgumentException("Cannot send records of type " + records.getClass().getName());
        }
        emittedBytes += size;
    }

    /**
     * @return the frame's pieces in send order ({@link ByteBuf}s and {@link SegmentFileRegion}s)
     * @throws IllegalStateException the bytes written differ from the announced frame size (the
     *                               message's {@code size} and {@code write} disagree)
     */
    List<Object> finish() {
        endChunk();
        if (emittedBytes != frameBytes) {
            release();
            throw new IllegalStateException("Response frame has " + emittedBytes + " bytes, expected " + frameBytes);
        }
        return pieces;
    }

    /** Frees every piece produced so far. */
    void release() {
        if (chunk != null) {
            chunk.release();
            chunk = null;
        }
        pieces.forEach(ReferenceCountUtil::release);
        pieces.clear();
    }
}
