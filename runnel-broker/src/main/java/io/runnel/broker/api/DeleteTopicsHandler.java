package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.metadata.Controller;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * DeleteTopics v1-v6, answered by the controller: by name (v1-v5 topicNames, v6 topics with a
 * name) or by id (v6). With {@code delete.topic.enable=false} every topic gets TOPIC_DELETION_DISABLED.
 */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequestData> {
    private final Controller controller;
    private final boolean deleteEnabled;

    public DeleteTopicsHandler(Controller controller, boolean deleteEnabled) {
        this.controller = controller;
        this.deleteEnabled = deleteEnabled;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_TOPICS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DeleteTopicsRequestData request) {
        if (deleteEnabled) {
            return controller.deleteTopics(request).thenApply(r -> r);
        }
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        request.topicNames().forEach(name -> response.responses().add(disabled().setName(name)));
        request.topics().forEach(t -> response.responses().add(disabled().setName(t.name()).setTopicId(t.topicId())));
        return CompletableFuture.completedFuture(response);
    }

    private static DeleteTopicsResponseData.DeletableTopicResult disabled() {
        return new DeleteTopicsResponseData.DeletableTopicResult()
                .setErrorCode(Errors.TOPIC_DELETION_DISABLED.code());
    }
}
