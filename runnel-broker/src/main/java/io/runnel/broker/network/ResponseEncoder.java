package io.runnel.broker.network;

import io.netty.buffer.ByteBufAllocator;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

import java.util.List;

/**
 * Encodes a response frame: 4-byte big-endian size, response header (version
 * {@link ApiKeys#responseHeaderVersion}, which is always 0 for ApiVersions), then the body written
 * by the generated message code. Sizes are computed first so buffers are allocated once.
 *
 * <p>Stateless and thread-safe.
 */
final class ResponseEncoder {
    private static final int SIZE_BYTES = 4;

    private ResponseEncoder() {
    }

    /** @return the frame's pieces in send order, owned by the caller (write or release them) */
    static List<Object> encode(ByteBufAllocator allocator, int correlationId, ApiKeys apiKey, short version,
                               ApiMessage body) {
        short headerVersion = apiKey.responseHeaderVersion(version);
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int frameSize = header.size(cache, headerVersion) + body.size(cache, version);
        NettyWritable writable = new NettyWritable(allocator, SIZE_BYTES + (long) frameSize);
        try {
            writable.writeInt(frameSize);
            header.write(writable, cache, headerVersion);
            body.write(writable, cache, version);
        } catch (RuntimeException e) {
            writable.release();
            throw e;
        }
        return writable.finish();
    }
}
