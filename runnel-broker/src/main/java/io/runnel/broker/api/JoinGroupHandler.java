package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * JoinGroup v0-9 (classic protocol). The answer waits for the rebalance to complete.
 * <ul>
 *   <li>v0: the rebalance timeout is the session timeout.</li>
 *   <li>v4+: a first join without a member id gets MEMBER_ID_REQUIRED and a member id (KIP-394).</li>
 *   <li>v5+: group.instance.id (static membership, KIP-345).</li>
 *   <li>v7+: protocol type in the answer; v8+: a reason (not kept); v9+: skipAssignment for a
 *       static leader that rejoined a stable group unchanged.</li>
 * </ul>
 */
public final class JoinGroupHandler implements ApiHandler<JoinGroupRequestData> {
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.JOIN_GROUP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, JoinGroupRequestData request) {
        short version = context.header().apiVersion();
        if (version == 0) {
            request.setRebalanceTimeoutMs(request.sessionTimeoutMs());
        }
        String clientHost = context.clientAddress() == null ? "" : String.valueOf(context.clientAddress().getAddress());
        return coordinator.joinGroup(request, version, context.header().clientId(), clientHost).thenApply(response -> {
            if (version < 7 && response.protocolName() == null) {
                response.setProtocolName(""); // nullable from v7
            }
            if (response.leader() == null) {
                response.setLeader("");
            }
            return response;
        });
    }
}
