package io.runnel.broker.network;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * A {@link RequestDispatcher} for tests: a fixed table of supported version ranges, ApiVersions
 * answered from it, and a replaceable handler per API key.
 */
final class FakeDispatcher implements RequestDispatcher {
    /** The highest ApiVersions version we claim: below the clients' latest, so they go through KIP-511. */
    static final short API_VERSIONS_MAX = 3;
    static final short METADATA_MAX = 12;

    private final Map<ApiKeys, short[]> ranges = Map.of(
            ApiKeys.API_VERSIONS, new short[] {0, API_VERSIONS_MAX},
            ApiKeys.METADATA, new short[] {0, METADATA_MAX},
            ApiKeys.PRODUCE, new short[] {ApiKeys.PRODUCE.oldestVersion(), ApiKeys.PRODUCE.latestVersion()},
            ApiKeys.FETCH, new short[] {ApiKeys.FETCH.oldestVersion(), ApiKeys.FETCH.latestVersion()});
    private final Map<ApiKeys, BiFunction<RequestContext, ApiMessage, CompletableFuture<ApiMessage>>> handlers =
            new ConcurrentHashMap<>();

    FakeDispatcher() {
        handle(ApiKeys.API_VERSIONS, (context, request) -> CompletableFuture.completedFuture(apiVersions()));
    }

    /** Replaces the handler for one API key. */
    FakeDispatcher handle(ApiKeys apiKey, BiFunction<RequestContext, ApiMessage, CompletableFuture<ApiMessage>> handler) {
        handlers.put(apiKey, handler);
        return this;
    }

    @Override
    public boolean isSupported(ApiKeys apiKey, short version) {
        short[] range = ranges.get(apiKey);
        return range != null && version >= range[0] && version <= range[1];
    }

    @Override
    public ApiVersionsResponseData apiVersions() {
        ApiVersionsResponseData data = new ApiVersionsResponseData();
        ranges.forEach((key, range) -> data.apiKeys().add(
                new ApiVersion().setApiKey(key.id).setMinVersion(range[0]).setMaxVersion(range[1])));
        return data;
    }

    @Override
    public CompletableFuture<ApiMessage> dispatch(RequestContext context, ApiMessage request) {
        BiFunction<RequestContext, ApiMessage, CompletableFuture<ApiMessage>> handler = handlers.get(context.header().apiKey());
        if (handler == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no handler for " + context.header().apiKey()));
        }
        return handler.apply(context, request);
    }
}
