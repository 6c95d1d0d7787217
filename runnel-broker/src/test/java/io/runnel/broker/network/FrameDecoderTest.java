package io.runnel.broker.network;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class FrameDecoderTest {
    private static final int MAX_FRAME_BYTES = 2 * FrameDecoder.EAGER_ALLOCATION_BYTES;

    private static byte[] framed(byte[]... payloads) {
        ByteBuffer buffer = ByteBuffer.allocate(java.util.Arrays.stream(payloads).mapToInt(p -> 4 + p.length).sum());
        for (byte[] payload : payloads) {
            buffer.putInt(payload.length).put(payload);
        }
        return buffer.array();
    }

    private static byte[] randomPayload(Random random, int size) {
        byte[] payload = new byte[size];
        random.nextBytes(payload);
        return payload;
    }

    private static List<byte[]> drain(EmbeddedChannel channel) {
        List<byte[]> frames = new ArrayList<>();
        ByteBuffer frame;
        while ((frame = channel.readInbound()) != null) {
            byte[] bytes = new byte[frame.remaining()];
            frame.get(bytes);
            frames.add(bytes);
        }
        return frames;
    }

    @Test
    void reassemblesFramesWhateverTheReadBoundaries() {
        Random random = new Random(7);
        byte[][] payloads = {randomPayload(random, 0), randomPayload(random, 1), randomPayload(random, 300),
                randomPayload(random, FrameDecoder.EAGER_ALLOCATION_BYTES + 5), randomPayload(random, 17)};
        byte[] stream = framed(payloads);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_BYTES));
        for (int offset = 0; offset < stream.length; ) {
            int chunk = Math.min(stream.length - offset, 1 + random.nextInt(offset < 2000 ? 3 : 100_000));
            channel.writeInbound(Unpooled.wrappedBuffer(stream, offset, chunk));
            offset += chunk;
        }
        assertThat(drain(channel)).containsExactly(payloads);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void holdsReceivedFramesWhileReadingIsPausedUntilResumed() {
        FrameDecoder decoder = new FrameDecoder(MAX_FRAME_BYTES);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.config().setAutoRead(false);
        channel.writeInbound(Unpooled.wrappedBuffer(framed(new byte[] {1}, new byte[] {2, 2})));
        assertThat(drain(channel)).isEmpty();

        channel.config().setAutoRead(true);
        decoder.resume();
        assertThat(drain(channel)).containsExactly(new byte[] {1}, new byte[] {2, 2});
        channel.finishAndReleaseAll();
    }

    @Test
    void oversizedFrameClosesTheChannelAndDropsLaterBytes() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_BYTES));
        channel.writeInbound(Unpooled.wrappedBuffer(ByteBuffer.allocate(8).putInt(MAX_FRAME_BYTES + 1).putInt(0).array()));
        assertThat(channel.isOpen()).isFalse();
        assertThat(drain(channel)).isEmpty();
    }
}
