package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * Handles one API key over the version range it declares. The {@link ApiTable} registers every
 * handler with its range and generates ApiVersions from them, so what we advertise is what we handle.
 *
 * <p>Called on a network event-loop thread: implementations do quick work inline and hand
 * anything that waits (controller writes, long-poll fetches) to futures.
 *
 * @param <Q> the generated request data class
 */
public interface ApiHandler<Q extends ApiMessage> {

    ApiKeys apiKey();

    /** Lowest version handled; defaults to the oldest the codec knows. */
    default short minVersion() {
        return apiKey().oldestVersion();
    }

    /** Highest version handled; defaults to the latest stable version the codec knows. */
    default short maxVersion() {
        return apiKey().latestVersion(false);
    }

    /** The response body, or null for no response (Produce with acks=0). */
    CompletableFuture<ApiMessage> handle(RequestContext context, Q request);
}
