package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * DeleteRecords v0-v2: moves each partition's log start offset up to the given offset (-1 means
 * the high watermark); answers with the new low watermark. An offset above the high watermark
 * is OFFSET_OUT_OF_RANGE. Records below the start offset are gone for readers at once; whole
 * segments below it are deleted.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequestData> {
    private final ReplicaManager replicas;

    public DeleteRecordsHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DeleteRecordsRequestData request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (var topic : request.topics()) {
            DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(topicResult);
            for (var p : topic.partitions()) {
                DeleteRecordsPartitionResult out = new DeleteRecordsPartitionResult()
                        .setPartitionIndex(p.partitionIndex()).setLowWatermark(-1);
                topicResult.partitions().add(out);
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                PartitionLookup lookup = PartitionLookup.leader(replicas, tp);
                if (lookup.error() != Errors.NONE) {
                    out.setErrorCode(lookup.error().code());
                    continue;
                }
                var log = lookup.partition().log();
                try {
                    long offset = p.offset() == -1 ? log.highWatermark() : p.offset();
                    out.setLowWatermark(log.deleteRecordsBefore(offset));
                } catch (RuntimeException e) {
                    out.setErrorCode(ErrorMapping.toError(e, "delete records of " + tp).code());
                }
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
