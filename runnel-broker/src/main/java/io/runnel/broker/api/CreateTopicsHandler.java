package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.metadata.Controller;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * CreateTopics v2-v7, answered by the controller (validateOnly, configs, explicit assignments).
 * v5+ answers carry partitions, replication factor and configs; older versions don't have those
 * fields, so they are reset to their defaults. v7+ answers carry the topic id.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequestData> {
    private final Controller controller;

    public CreateTopicsHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_TOPICS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, CreateTopicsRequestData request) {
        short version = context.header().apiVersion();
        return controller.createTopics(request).thenApply(response -> {
            if (version < 5) {
                for (CreateTopicsResponseData.CreatableTopicResult t : response.topics()) {
                    t.setNumPartitions(-1).setReplicationFactor((short) -1).setConfigs(null);
                }
            }
            return response;
        });
    }
}
