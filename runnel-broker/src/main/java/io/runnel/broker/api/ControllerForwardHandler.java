package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An API the controller answers whole (CreatePartitions, AlterConfigs, IncrementalAlterConfigs):
 * the request goes to the active controller and its response comes back unchanged. The
 * controller honours validateOnly and per-item errors; a failed call (no active controller)
 * becomes the request's own error response in the network layer.
 */
public final class ControllerForwardHandler<Q extends ApiMessage> implements ApiHandler<Q> {
    private final ApiKeys apiKey;
    private final Function<Q, CompletableFuture<? extends ApiMessage>> call;

    public ControllerForwardHandler(ApiKeys apiKey, Function<Q, CompletableFuture<? extends ApiMessage>> call) {
        this.apiKey = apiKey;
        this.call = call;
    }

    @Override
    public ApiKeys apiKey() {
        return apiKey;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, Q request) {
        return call.apply(request).thenApply(r -> r);
    }
}
