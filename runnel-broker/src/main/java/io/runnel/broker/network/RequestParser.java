package io.runnel.broker.network;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

import java.nio.ByteBuffer;

/**
 * Parses a request frame (without its size prefix): first the fixed start of the header (API key,
 * version, correlation id), deciding from those alone whether we handle the request, and only then
 * the full header and the body with kafka-clients' generated codec.
 *
 * <p>Stateless and thread-safe.
 */
final class RequestParser {
    /** API key, API version and correlation id: present in every request header version. */
    private static final int FIXED_HEADER_BYTES = 8;

    private final RequestDispatcher dispatcher;

    RequestParser(RequestDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /**
     * @param frame the request bytes; read from its position, which is advanced. Parsed requests
     *              may keep slices of it (Produce records).
     */
    DecodedRequest parse(ByteBuffer frame) throws InvalidRequestFrameException {
        if (frame.remaining() < FIXED_HEADER_BYTES) {
            throw new InvalidRequestFrameException("request of " + frame.remaining()
                    + " bytes is too short for a request header");
        }
        int start = frame.position();
        short apiKeyId = frame.getShort(start);
        short version = frame.getShort(start + 2);
        int correlationId = frame.getInt(start + 4);
        if (!ApiKeys.hasId(apiKeyId)) {
            throw new InvalidRequestFrameException("unknown API key " + apiKeyId);
        }
        ApiKeys apiKey = ApiKeys.forId(apiKeyId);
        if (!dispatcher.isSupported(apiKey, version)) {
            if (apiKey == ApiKeys.API_VERSIONS) {
                return new DecodedRequest.UnsupportedApiVersions(correlationId, version);
            }
            throw new InvalidRequestFrameException("unsupported version " + version + " of " + apiKey.name);
        }
        RequestHeader header;
        try {
            header = RequestHeader.parse(frame);
        } catch (RuntimeException e) {
            throw new InvalidRequestFrameException("malformed " + apiKey.name + " v" + version
                    + " request header: " + rootMessage(e));
        }
        try {
            AbstractRequest request = AbstractRequest.parseRequest(apiKey, version, new ByteBufferAccessor(frame)).request;
            return new DecodedRequest.Parsed(header, request);
        } catch (RuntimeException e) {
            throw new InvalidRequestFrameException("malformed " + apiKey.name + " v" + version
                    + " request body (correlation id " + correlationId + "): " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
