package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.TimestampAndOffset;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * ListOffsets v1-v11.
 * <ul>
 *   <li>Special timestamps: -1 latest (the high watermark, or the last stable offset for
 *       read_committed), -2 earliest, -3 (v7+) the record with the largest timestamp,
 *       -4 (v8+) earliest local = earliest (no tiered storage), -5 (v9+) latest tiered: none, so
 *       offset -1; -6 (v11+) earliest pending upload: none, -1.</li>
 *   <li>A timestamp >= 0 finds the first record at or after it among the records a consumer of
 *       the request's isolation level may read (below the high watermark, or the last stable
 *       offset for read_committed); none gives offset -1 and timestamp -1.</li>
 *   <li>v4+: leader epochs in answers and current leader epoch checks, before the leadership
 *       check (FENCED_LEADER_EPOCH older, UNKNOWN_LEADER_EPOCH newer, -1 unchecked); answered by
 *       the leader only (NOT_LEADER_OR_FOLLOWER), also when consumers fetch from followers.</li>
 *   <li>A partition named twice gets INVALID_REQUEST.</li>
 * </ul>
 */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequestData> {
    private final ReplicaManager replicas;

    public ListOffsetsHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListOffsetsRequestData request) {
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        Set<TopicPartition> seen = new HashSet<>();
        for (var topic : request.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (var p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                ListOffsetsPartitionResponse out = new ListOffsetsPartitionResponse()
                        .setPartitionIndex(p.partitionIndex()).setTimestamp(-1).setOffset(-1).setLeaderEpoch(-1);
                topicResponse.partitions().add(out);
                if (!seen.add(tp)) {
                    out.setErrorCode(Errors.INVALID_REQUEST.code());
                    continue;
                }
                lookUp(tp, p, context.header().apiVersion(), request.isolationLevel(), out);
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private void lookUp(TopicPartition tp, ListOffsetsRequestData.ListOffsetsPartition p, short version,
                        byte isolationLevel, ListOffsetsPartitionResponse out) {
        PartitionLookup lookup = PartitionLookup.leader(replicas, tp, version >= 4 ? p.currentLeaderEpoch() : -1);
        if (lookup.error() != Errors.NONE) {
            out.setErrorCode(lookup.error().code());
            return;
        }
        PartitionLog log = lookup.partition().log();
        long ts = p.timestamp();
        try {
            Optional<TimestampAndOffset> found;
            long fetchable = isolationLevel == IsolationLevel.READ_COMMITTED.id() ? log.lastStableOffset()
                    : log.highWatermark();
            if (ts == ListOffsetsRequest.LATEST_TIMESTAMP) {
                found = Optional.of(new TimestampAndOffset(-1, fetchable, log.latestEpoch()));
            } else if (ts == ListOffsetsRequest.EARLIEST_TIMESTAMP || ts == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
                long start = log.logStartOffset();
                found = Optional.of(new TimestampAndOffset(-1, start, -1)); // epoch unknown: clients skip validation
            } else if (ts == ListOffsetsRequest.MAX_TIMESTAMP) {
                found = log.maxTimestampAndOffset().filter(t -> t.offset() < log.highWatermark());
            } else if (ts < 0) {
                found = Optional.empty(); // latest tiered, earliest pending upload: no tiered storage
            } else {
                found = log.offsetForTimestamp(ts).filter(t -> t.offset() < fetchable);
            }
            found.ifPresent(t -> out.setTimestamp(t.timestamp()).setOffset(t.offset()).setLeaderEpoch(t.leaderEpoch()));
            if (version < 4) {
                out.setLeaderEpoch(-1); // a v4+ field
            }
        } catch (RuntimeException e) {
            out.setErrorCode(ErrorMapping.toError(e, "list offsets of " + tp).code());
        }
    }
}
