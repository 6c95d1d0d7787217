package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.network.RequestDispatcher;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The table of implemented APIs: one handler per key with its version range. Dispatches requests
 * and is the single source of the ApiVersions answer. Immutable after construction; thread-safe.
 */
public final class ApiTable implements RequestDispatcher {
    private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);
    private final ApiVersionsResponseData apiVersions;

    public ApiTable(List<ApiHandler<?>> handlerList) {
        ApiVersionCollection versions = new ApiVersionCollection();
        for (ApiHandler<?> handler : handlerList) {
            if (handlers.put(handler.apiKey(), handler) != null) {
                throw new IllegalArgumentException("two handlers for " + handler.apiKey());
            }
        }
        // ApiVersions itself answers from this table, so it is registered like any other key.
        handlers.values().stream()
                .sorted((a, b) -> Short.compare(a.apiKey().id, b.apiKey().id))
                .forEach(h -> versions.add(new ApiVersion()
                        .setApiKey(h.apiKey().id)
                        .setMinVersion(h.minVersion())
                        .setMaxVersion(h.maxVersion())));
        this.apiVersions = new ApiVersionsResponseData().setApiKeys(versions);
    }

    @Override
    public boolean isSupported(ApiKeys apiKey, short version) {
        ApiHandler<?> handler = handlers.get(apiKey);
        return handler != null && version >= handler.minVersion() && version <= handler.maxVersion();
    }

    /** A fresh copy each time: callers may add per-request fields. */
    @Override
    public ApiVersionsResponseData apiVersions() {
        return apiVersions.duplicate();
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<ApiMessage> dispatch(RequestContext context, ApiMessage request) {
        ApiHandler<ApiMessage> handler = (ApiHandler<ApiMessage>) handlers.get(context.header().apiKey());
        try {
            return handler.handle(context, request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
