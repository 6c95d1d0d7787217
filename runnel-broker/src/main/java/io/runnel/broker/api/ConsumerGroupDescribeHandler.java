package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * ConsumerGroupDescribe v0-1 (KIP-848 consumer groups): state, epochs, assignor and members with
 * their current and target assignments. A group that is not a consumer group (a classic one, or
 * none) is GROUP_ID_NOT_FOUND, so the admin client falls back to DescribeGroups, as with Kafka.
 * v1 adds the member type (always "consumer" here). Authorized operations are all, when asked.
 */
public final class ConsumerGroupDescribeHandler implements ApiHandler<ConsumerGroupDescribeRequestData> {
    private final GroupCoordinator coordinator;

    public ConsumerGroupDescribeHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_DESCRIBE;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ConsumerGroupDescribeRequestData request) {
        return coordinator.consumerGroupDescribe(request.groupIds()).thenApply(groups -> {
            if (request.includeAuthorizedOperations()) {
                groups.forEach(g -> g.setAuthorizedOperations(AuthorizedOperations.GROUP));
            }
            return new ConsumerGroupDescribeResponseData().setGroups(groups);
        });
    }
}
