package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * ListGroups v0-5: the groups of every {@code __consumer_offsets} partition this broker leads,
 * classic and consumer alike. v4+: states filter and each group's state; v5+: types filter
 * ("classic", "consumer") and each group's type. Filters are case-insensitive.
 */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequestData> {
    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListGroupsRequestData request) {
        return coordinator.listGroups(Set.copyOf(request.statesFilter()), Set.copyOf(request.typesFilter()))
                .thenApply(listed -> new ListGroupsResponseData().setErrorCode(listed.error().code())
                        .setGroups(listed.groups()));
    }
}
