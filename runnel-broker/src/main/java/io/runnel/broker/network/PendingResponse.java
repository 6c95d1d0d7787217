package io.runnel.broker.network;

import org.apache.kafka.common.protocol.ApiMessage;

/**
 * A connection's slot for one request's response, kept in request order until it is written.
 *
 * <p>Confined to the connection's event loop.
 */
final class PendingResponse {
    private final DecodedRequest request;
    private boolean done;
    private ApiMessage response;

    PendingResponse(DecodedRequest request) {
        this.request = request;
    }

    DecodedRequest request() {
        return request;
    }

    /** @param response the body to send, or null when none is due (Produce with acks=0) */
    void complete(ApiMessage response) {
        this.response = response;
        this.done = true;
    }

    boolean isDone() {
        return done;
    }

    /** The body to send; null when the slot is only to be freed. Valid once {@link #isDone()}. */
    ApiMessage response() {
        return response;
    }
}
