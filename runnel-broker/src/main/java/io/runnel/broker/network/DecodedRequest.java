package io.runnel.broker.network;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/** What {@link RequestParser} makes of one well-framed request. */
sealed interface DecodedRequest {

    int correlationId();

    /** The API the response answers. */
    ApiKeys apiKey();

    /** The version the response body is written in. */
    short responseVersion();

    /**
     * A supported request, parsed. {@code request} keeps the parsed body; it may reference the
     * frame's bytes and is also what builds error responses.
     */
    record Parsed(RequestHeader header, AbstractRequest request) implements DecodedRequest {
        @Override
        public int correlationId() {
            return header.correlationId();
        }

        @Override
        public ApiKeys apiKey() {
            return header.apiKey();
        }

        @Override
        public short responseVersion() {
            return header.apiVersion();
        }
    }

    /**
     * An ApiVersions request of a version we don't support: answered with the v0 layout, error
     * UNSUPPORTED_VERSION and our API list so the client can retry with a version we know (KIP-511).
     */
    record UnsupportedApiVersions(int correlationId, short version) implements DecodedRequest {
        @Override
        public ApiKeys apiKey() {
            return ApiKeys.API_VERSIONS;
        }

        @Override
        public short responseVersion() {
            return 0;
        }
    }
}
