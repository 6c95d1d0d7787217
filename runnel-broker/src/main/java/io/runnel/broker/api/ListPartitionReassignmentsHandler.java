package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.metadata.Controller;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * ListPartitionReassignments v0 (KIP-455), answered by the active controller from the state its
 * committed writes left (as Kafka's controller answers it): the partitions under reassignment,
 * of every topic ({@code topics} null) or of the partitions named; unknown topics and partitions
 * and those not being reassigned are left out.
 */
public final class ListPartitionReassignmentsHandler implements ApiHandler<ListPartitionReassignmentsRequestData> {
    private final Controller controller;

    public ListPartitionReassignmentsHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_PARTITION_REASSIGNMENTS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListPartitionReassignmentsRequestData request) {
        return controller.listPartitionReassignments(request).thenApply(response -> response);
    }
}
