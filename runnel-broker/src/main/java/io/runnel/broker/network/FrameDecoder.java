package io.runnel.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * Splits the inbound stream into Kafka request frames: a 4-byte big-endian size, then that many
 * bytes. Emits each frame's payload as a heap {@link ByteBuffer} of its own (Kafka's choice: one
 * allocation and one copy per request, no reference counting; parsed requests such as Produce may
 * keep slices of it). Bytes not yet copied are kept as a composite of Netty's read buffers, so
 * waiting for a large frame never re-copies what has arrived.
 *
 * <p>A size below 0 or above {@code maxFrameBytes} closes the connection with one WARN line as soon
 * as the 4 size bytes are read, before anything is allocated for the body.
 *
 * <p>Backpressure: while the channel's autoRead is off, no further frame is emitted; bytes already
 * received stay buffered until {@link #resume()}. (Netty's {@code ByteToMessageDecoder} would keep
 * decoding buffered frames, and keep reading, while autoRead is off.)
 *
 * <p>Thread-safety: one instance per channel, used on its event loop only.
 */
final class FrameDecoder extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FrameDecoder.class);
    private static final int SIZE_BYTES = 4;
    /**
     * Frames up to this size (bytes) get their array as soon as the size is read. Larger ones only
     * once all their bytes have arrived, so a client announcing a large frame and sending little
     * costs memory for what it sent, not for what it announced.
     */
    static final int EAGER_ALLOCATION_BYTES = 1024 * 1024;

    private final int maxFrameBytes;
    private ChannelHandlerContext ctx;
    /** Received bytes not yet copied into a frame; null when there are none. */
    private ByteBuf received;
    /** The body of the frame being received, allocated once its size is read and checked; null between frames. */
    private byte[] frame;
    private int frameFilled;
    private boolean rejected;

    FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseReceived();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        if (rejected) {
            bytes.release();
            return;
        }
        received = received == null ? bytes : ByteToMessageDecoder.COMPOSITE_CUMULATOR.cumulate(ctx.alloc(), received, bytes);
        emitFrames();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseReceived();
        ctx.fireChannelInactive();
    }

    /** Emits the frames already received; called when reading resumes after backpressure. */
    void resume() {
        if (received != null && emitFrames()) {
            ctx.fireChannelReadComplete();
        }
    }

    /** @return whether at least one frame was emitted */
    private boolean emitFrames() {
        boolean emitted = false;
        while (received != null && !rejected && ctx.channel().isActive() && ctx.channel().config().isAutoRead()) {
            if (frame == null) {
                if (received.readableBytes() < SIZE_BYTES) {
                    break;
                }
                int size = received.getInt(received.readerIndex());
                if (size < 0 || size > maxFrameBytes) {
                    reject(size);
                    break;
                }
                if (size > EAGER_ALLOCATION_BYTES && received.readableBytes() < SIZE_BYTES + size) {
                    break;
                }
                received.skipBytes(SIZE_BYTES);
                frame = new byte[size];
                frameFilled = 0;
            }
            int copied = Math.min(received.readableBytes(), frame.length - frameFilled);
            received.readBytes(frame, frameFilled, copied);
            frameFilled += copied;
            if (frameFilled < frame.length) {
                break;
            }
            ByteBuffer request = ByteBuffer.wrap(frame);
            frame = null;
            emitted = true;
            ctx.fireChannelRead(request);
        }
        if (received != null) {
            if (!received.isReadable()) {
                releaseReceived();
            } else {
                received.discardSomeReadBytes();
            }
        }
        return emitted;
    }

    private void reject(int size) {
        rejected = true;
        releaseReceived();
        LOG.warn("Closing connection from {}: request size {} is outside [0, {}] (socket.request.max.bytes)",
                ctx.channel().remoteAddress(), size, maxFrameBytes);
        ctx.close();
    }

    private void releaseReceived() {
        if (received != null) {
            received.release();
            received = null;
        }
    }
}
