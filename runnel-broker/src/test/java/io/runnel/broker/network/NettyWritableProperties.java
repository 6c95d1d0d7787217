package io.runnel.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Writable;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link NettyWritable} writes every primitive exactly as kafka-clients' {@link ByteBufferAccessor} does. */
class NettyWritableProperties {

    private static byte[] viaKafka(Consumer<Writable> write) {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        write.accept(new ByteBufferAccessor(buffer));
        buffer.flip();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static byte[] viaNetty(Consumer<Writable> write) {
        int expected = viaKafka(write).length;
        NettyWritable writable = new NettyWritable(UnpooledByteBufAllocator.DEFAULT, expected);
        write.accept(writable);
        List<Object> pieces = writable.finish();
        ByteBuf buf = (ByteBuf) pieces.get(0);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    private static void assertSameBytes(Consumer<Writable> write) {
        assertThat(viaNetty(write)).isEqualTo(viaKafka(write));
    }

    @Property
    void varints(@ForAll int value) {
        assertSameBytes(w -> w.writeVarint(value));
        assertSameBytes(w -> w.writeUnsignedVarint(value));
    }

    @Property
    void varlongs(@ForAll long value) {
        assertSameBytes(w -> w.writeVarlong(value));
    }

    @Property
    void fixedWidth(@ForAll byte b, @ForAll short s, @ForAll int i, @ForAll long l, @ForAll double d) {
        assertSameBytes(w -> {
            w.writeByte(b);
            w.writeShort(s);
            w.writeInt(i);
            w.writeLong(l);
            w.writeDouble(d);
        });
    }
}
