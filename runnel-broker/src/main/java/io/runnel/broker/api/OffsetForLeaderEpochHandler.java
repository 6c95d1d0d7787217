package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.storage.EpochEndOffset;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * OffsetForLeaderEpoch v2-v4 (KIP-101/279): for each partition, the largest epoch at or below the
 * requested one and the offset where it ends, which consumers use to detect log truncation after
 * a leader change. v3+ carries the replica id (-1 for consumers). Answered by the leader only;
 * the current leader epoch is checked first (FENCED_LEADER_EPOCH older, UNKNOWN_LEADER_EPOCH newer,
 * -1 unchecked), then leadership.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetForLeaderEpochRequestData> {
    private final ReplicaManager replicas;

    public OffsetForLeaderEpochHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetForLeaderEpochRequestData request) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (var topic : request.topics()) {
            OffsetForLeaderTopicResult topicResult = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            response.topics().add(topicResult);
            for (var p : topic.partitions()) {
                var out = new OffsetForLeaderEpochResponseData.EpochEndOffset()
                        .setPartition(p.partition()).setLeaderEpoch(-1).setEndOffset(-1);
                topicResult.partitions().add(out);
                PartitionLookup lookup = PartitionLookup.leader(replicas,
                        new TopicPartition(topic.topic(), p.partition()), p.currentLeaderEpoch());
                if (lookup.error() != Errors.NONE) {
                    out.setErrorCode(lookup.error().code());
                    continue;
                }
                EpochEndOffset end = lookup.partition().log().endOffsetForEpoch(p.leaderEpoch());
                out.setLeaderEpoch(end.leaderEpoch()).setEndOffset(end.endOffset());
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
