package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.metadata.Controller;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * AlterPartitionReassignments v0-v1 (KIP-455), answered by the controller: target replicas per
 * partition, null to cancel. v1 adds {@code allowReplicationFactorChange} (KIP-860; v0 requests
 * read it as its default, true). The answer comes once the records are committed, not when the
 * replicas have caught up: ListPartitionReassignments tells when the move is done.
 */
public final class AlterPartitionReassignmentsHandler implements ApiHandler<AlterPartitionReassignmentsRequestData> {
    private final Controller controller;

    public AlterPartitionReassignmentsHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_PARTITION_REASSIGNMENTS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AlterPartitionReassignmentsRequestData request) {
        return controller.alterPartitionReassignments(request).thenApply(response -> response);
    }
}
