package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * SyncGroup v0-5 (classic protocol). Followers wait for the leader's assignment; the leader's
 * SyncGroup writes the group's record and everyone is answered once it is committed.
 * v3+: group.instance.id; v5+: protocol type and name checked (INCONSISTENT_GROUP_PROTOCOL) and answered.
 */
public final class SyncGroupHandler implements ApiHandler<SyncGroupRequestData> {
    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SYNC_GROUP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, SyncGroupRequestData request) {
        return coordinator.syncGroup(request, context.header().apiVersion()).thenApply(r -> r);
    }
}
