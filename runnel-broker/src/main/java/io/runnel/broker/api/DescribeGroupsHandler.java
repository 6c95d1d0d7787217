package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.coordinator.group.GroupCoordinator;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeGroups v0-6 (classic groups). An unknown group is described as "Dead" with no members
 * (v6+: with GROUP_ID_NOT_FOUND, as Kafka 4 answers); a consumer group is GROUP_ID_NOT_FOUND
 * (clients describe it with ConsumerGroupDescribe). Members carry metadata and assignment once
 * the group is Stable. v3+: authorized operations (all); v4+: group.instance.id.
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequestData> {
    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeGroupsRequestData request) {
        short version = context.header().apiVersion();
        List<CompletableFuture<DescribedGroup>> futures = new ArrayList<>();
        for (String groupId : request.groups()) {
            futures.add(coordinator.describeGroup(groupId));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DescribeGroupsResponseData response = new DescribeGroupsResponseData();
            for (CompletableFuture<DescribedGroup> f : futures) {
                DescribedGroup group = f.join();
                boolean unknown = "Dead".equals(group.groupState()) && group.members().isEmpty()
                        && group.errorCode() == Errors.NONE.code();
                if (unknown && version >= 6) {
                    group.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                            .setErrorMessage("Group " + group.groupId() + " not found.");
                }
                if (request.includeAuthorizedOperations()) {
                    group.setAuthorizedOperations(AuthorizedOperations.GROUP);
                }
                response.groups().add(group);
            }
            return response;
        });
    }
}
