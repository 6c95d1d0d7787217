package io.runnel.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Splits the inbound stream into Kafka request frames: a 4-byte big-endian size, then that many
 * bytes. Emits each frame's payload as a heap {@link ByteBuffer} of its own (Kafka's choice: one
 * copy per request, no reference counting; parsed requests such as Produce may keep slices of it).
 *
 * <p>A size below 0 or above {@code maxFrameBytes} closes the connection with one WARN line as soon
 * as the 4 size bytes are read, before anything is allocated for the body.
 *
 * <p>Thread-safety: one instance per channel, used on its event loop only.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);
    private static final int SIZE_BYTES = 4;

    private final int maxFrameBytes;
    private boolean rejected;

    FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < SIZE_BYTES) {
            return;
        }
        int size = in.getInt(in.readerIndex());
        if (size < 0 || size > maxFrameBytes) {
            rejected = true;
            in.skipBytes(in.readableBytes());
            LOG.warn("Closing connection from {}: request size {} is outside [0, {}] (socket.request.max.bytes)",
                    ctx.channel().remoteAddress(), size, maxFrameBytes);
            ctx.close();
            return;
        }
        if (in.readableBytes() < SIZE_BYTES + size) {
            return;
        }
        in.skipBytes(SIZE_BYTES);
        byte[] frame = new byte[size];
        in.readBytes(frame);
        out.add(ByteBuffer.wrap(frame));
    }
}
