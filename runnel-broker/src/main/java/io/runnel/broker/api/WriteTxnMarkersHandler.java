package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.txn.LocalMarkers;
import io.runnel.broker.txn.MarkerAppender;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * WriteTxnMarkers v1-2 (inter-broker, from transaction coordinators): each marker is written to
 * each listed partition this broker leads ({@link LocalMarkers}: epoch and leadership checks,
 * {@code __consumer_offsets} through the group coordinator) and answered once it is replicated to
 * the ISR, as Kafka waits. Partitions are answered independently: NOT_LEADER_OR_FOLLOWER,
 * UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, INVALID_PRODUCER_EPOCH,
 * TRANSACTION_COORDINATOR_FENCED... v2's transaction version is not needed: the marker's epoch
 * says it all here.
 */
public final class WriteTxnMarkersHandler implements ApiHandler<WriteTxnMarkersRequestData> {
    private final MarkerAppender markers;

    public WriteTxnMarkersHandler(MarkerAppender markers) {
        this.markers = markers;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.WRITE_TXN_MARKERS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, WriteTxnMarkersRequestData request) {
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (WritableTxnMarker marker : request.markers()) {
            WritableTxnMarkerResult markerResult = new WritableTxnMarkerResult().setProducerId(marker.producerId());
            response.markers().add(markerResult);
            for (WritableTxnMarkerTopic topic : marker.topics()) {
                WritableTxnMarkerTopicResult topicResult = new WritableTxnMarkerTopicResult().setName(topic.name());
                markerResult.topics().add(topicResult);
                for (int index : topic.partitionIndexes()) {
                    WritableTxnMarkerPartitionResult out = new WritableTxnMarkerPartitionResult().setPartitionIndex(index);
                    topicResult.partitions().add(out);
                    writes.add(markers.write(new TopicPartition(topic.name(), index), marker.producerId(),
                            marker.producerEpoch(), marker.transactionResult(), marker.coordinatorEpoch())
                            .thenAccept(error -> out.setErrorCode(error.code())));
                }
            }
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(ok -> response);
    }
}
