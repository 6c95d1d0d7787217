package io.runnel.broker.api;

import io.runnel.broker.internal.InternalTopic;
import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.coordinator.txn.TransactionCoordinator;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * FindCoordinator v0-6.
 * <ul>
 *   <li>The coordinator of a group is the leader of its {@code __consumer_offsets} partition; the
 *       topic is created on the first look-up (COORDINATOR_NOT_AVAILABLE until it has a leader:
 *       clients retry).</li>
 *   <li>v1+: key type and error message; v4+: a batch of keys, answered one by one.</li>
 *   <li>Key type TRANSACTION: the coordinator of a transactional id is the leader of its
 *       {@code __transaction_state} partition, that topic likewise created on first look-up.</li>
 *   <li>Any other key type (SHARE): INVALID_REQUEST.</li>
 * </ul>
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequestData> {
    private final ReplicaManager replicas;
    private final GroupCoordinator groups;
    private final InternalTopic offsetsTopic;
    private final TransactionCoordinator transactions;
    private final InternalTopic transactionStateTopic;

    public FindCoordinatorHandler(ReplicaManager replicas, GroupCoordinator groups, InternalTopic offsetsTopic,
                                  TransactionCoordinator transactions, InternalTopic transactionStateTopic) {
        this.replicas = replicas;
        this.groups = groups;
        this.offsetsTopic = offsetsTopic;
        this.transactions = transactions;
        this.transactionStateTopic = transactionStateTopic;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, FindCoordinatorRequestData request) {
        short version = context.header().apiVersion();
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        List<String> keys = version >= 4 ? request.coordinatorKeys() : List.of(request.key());
        for (String key : keys) {
            response.coordinators().add(find(key, request.keyType(), context.listenerName()));
        }
        if (version < 4) {
            Coordinator c = response.coordinators().get(0);
            response.setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage()).setNodeId(c.nodeId())
                    .setHost(c.host()).setPort(c.port());
            response.coordinators().clear();
        }
        return CompletableFuture.completedFuture(response);
    }

    private Coordinator find(String key, byte keyType, String listenerName) {
        Coordinator out = new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1);
        InternalTopic internalTopic;
        int partitionIndex;
        if (keyType == CoordinatorType.GROUP.id()) {
            internalTopic = offsetsTopic;
            partitionIndex = groups.partitionFor(key);
        } else if (keyType == CoordinatorType.TRANSACTION.id()) {
            internalTopic = transactionStateTopic;
            partitionIndex = transactions.partitionFor(key);
        } else {
            return fail(out, Errors.INVALID_REQUEST, "unknown coordinator key type " + keyType);
        }
        MetadataImage image = replicas.image();
        if (!internalTopic.ensureExists(image)) {
            return fail(out, Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        TopicImage topic = image.topicsByName().get(internalTopic.name());
        PartitionRegistration partition = topic.partitions().get(partitionIndex);
        if (partition == null || partition.leader() < 0) {
            return fail(out, Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        BrokerRegistration leader = image.brokers().get(partition.leader());
        Optional<BrokerRegistration.Endpoint> endpoint = leader == null ? Optional.empty() : Endpoints.of(leader, listenerName);
        if (endpoint.isEmpty()) {
            return fail(out, Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        return out.setNodeId(partition.leader()).setHost(endpoint.get().host()).setPort(endpoint.get().port());
    }

    private static Coordinator fail(Coordinator out, Errors error, String message) {
        return out.setErrorCode(error.code()).setErrorMessage(message != null ? message : error.message());
    }
}
