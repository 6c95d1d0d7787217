package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.coordinator.group.consumer.HeartbeatContext;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * ConsumerGroupHeartbeat v0-1 (KIP-848 consumer groups): join, heartbeat and leave of a member;
 * the response carries its epoch, the heartbeat interval and, when it changed, its assignment.
 * v0: the coordinator generates the member id of a joining member that sends none; v1: the
 * client generates it (an empty one is INVALID_REQUEST). The group's shard does the work.
 */
public final class ConsumerGroupHeartbeatHandler implements ApiHandler<ConsumerGroupHeartbeatRequestData> {
    private final GroupCoordinator coordinator;

    public ConsumerGroupHeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_HEARTBEAT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ConsumerGroupHeartbeatRequestData request) {
        String clientHost = context.clientAddress() == null ? "" : String.valueOf(context.clientAddress().getAddress());
        HeartbeatContext heartbeat = new HeartbeatContext(context.header().apiVersion(), context.header().clientId(),
                clientHost);
        return coordinator.consumerGroupHeartbeat(request, heartbeat).thenApply(r -> r);
    }
}
