package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.MetadataQuorum;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * DescribeCluster v0-v2. Brokers answer for endpoint type 1 (brokers) only; asking a broker for
 * controller endpoints (type 2, v1+) is UNSUPPORTED_ENDPOINT_TYPE, as in Kafka. v2 can include
 * fenced brokers.
 */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequestData> {
    private static final byte BROKER_ENDPOINTS = 1;

    private final ReplicaManager replicas;
    private final MetadataQuorum quorum;

    public DescribeClusterHandler(ReplicaManager replicas, MetadataQuorum quorum) {
        this.replicas = replicas;
        this.quorum = quorum;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeClusterRequestData request) {
        MetadataImage image = replicas.image();
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setEndpointType(request.endpointType())
                .setClusterId(image.clusterId())
                .setControllerId(quorum.activeControllerId());
        if (request.endpointType() != BROKER_ENDPOINTS) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("brokers describe broker endpoints only"));
        }
        image.brokers().values().stream()
                .filter(b -> !b.fenced() || request.includeFencedBrokers())
                .forEach(b -> Endpoints.of(b, context.listenerName()).ifPresent(e -> response.brokers().add(
                        new DescribeClusterBroker().setBrokerId(b.id()).setHost(e.host()).setPort(e.port())
                                .setRack(b.rack()).setIsFenced(b.fenced()))));
        if (request.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(AuthorizedOperations.CLUSTER);
        }
        return CompletableFuture.completedFuture(response);
    }
}
