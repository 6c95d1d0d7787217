package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/** DescribeProducers v0: the producers with state in each partition, from the leader's log. */
public final class DescribeProducersHandler implements ApiHandler<DescribeProducersRequestData> {
    private final ReplicaManager replicas;

    public DescribeProducersHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_PRODUCERS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeProducersRequestData request) {
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (var topic : request.topics()) {
            TopicResponse topicResponse = new TopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (int index : topic.partitionIndexes()) {
                PartitionResponse out = new PartitionResponse().setPartitionIndex(index);
                topicResponse.partitions().add(out);
                PartitionLookup lookup = PartitionLookup.leader(replicas, new TopicPartition(topic.name(), index));
                if (lookup.error() != Errors.NONE) {
                    out.setErrorCode(lookup.error().code()).setErrorMessage(lookup.error().message());
                    continue;
                }
                lookup.partition().log().activeProducers().forEach(p -> out.activeProducers().add(new ProducerState()
                        .setProducerId(p.producerId())
                        .setProducerEpoch(p.producerEpoch())
                        .setLastSequence(p.lastSequence())
                        .setLastTimestamp(p.lastTimestamp())
                        .setCoordinatorEpoch(p.coordinatorEpoch())
                        .setCurrentTxnStartOffset(p.currentTxnStartOffset())));
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
