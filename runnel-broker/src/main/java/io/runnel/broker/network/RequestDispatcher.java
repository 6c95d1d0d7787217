package io.runnel.broker.network;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * What the network layer needs from request handling.
 *
 * <p>Thread-safety: every method is called from event-loop threads, concurrently for different
 * connections; implementations must not block. The returned future may complete on any thread.
 */
public interface RequestDispatcher {

    /** True if this API key and version are handled (what ApiVersions advertises). */
    boolean isSupported(ApiKeys apiKey, short version);

    /** The ApiVersions response (error NONE) listing every supported range; used for the KIP-511 fallback. */
    ApiVersionsResponseData apiVersions();

    /**
     * Handles a decoded request. Completes with the response body, or with null when no response
     * must be sent (Produce with acks=0). Completing exceptionally means an unexpected failure: the
     * network layer then answers with the request's error response for that exception
     * ({@link org.apache.kafka.common.requests.AbstractRequest#getErrorResponse}) and logs one line.
     *
     * <p>{@code request} may reference the request's bytes (Produce records are a slice of them);
     * they stay valid for as long as the caller keeps a reference.
     */
    CompletableFuture<ApiMessage> dispatch(RequestContext context, ApiMessage request);
}
