package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetFetch v1-10.
 * <ul>
 *   <li>v1-7: one group, answered in the top-level fields (v2+: a top-level error; null topics
 *       = all committed offsets); v8+: a batch of groups, each answered by its coordinator.</li>
 *   <li>v5+: the committed leader epoch; v7+: require_stable (UNSTABLE_OFFSET_COMMIT for a
 *       partition with an offset pending in an open transaction); v9+: member id and epoch
 *       (KIP-848), checked by the group;
 *       v10: topics by id.</li>
 *   <li>A partition without a committed offset answers offset -1 and no error.</li>
 * </ul>
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequestData> {
    private final ReplicaManager replicas;
    private final GroupCoordinator coordinator;

    public OffsetFetchHandler(ReplicaManager replicas, GroupCoordinator coordinator) {
        this.replicas = replicas;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetFetchRequestData request) {
        short version = context.header().apiVersion();
        if (version >= 8) {
            MetadataImage image = replicas.image();
            boolean byId = version >= 10;
            List<CompletableFuture<OffsetFetchResponseGroup>> futures = new ArrayList<>();
            for (OffsetFetchRequestGroup group : request.groups()) {
                if (byId && group.topics() != null) {
                    group.topics().forEach(t -> {
                        TopicImage topic = image.topicsById().get(t.topicId());
                        t.setName(topic == null ? "" : topic.name());
                    });
                }
                futures.add(coordinator.fetchOffsets(group, request.requireStable()).thenApply(g -> byId ? withTopicIds(g, image) : g));
            }
            return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
                OffsetFetchResponseData response = new OffsetFetchResponseData();
                futures.forEach(f -> response.groups().add(f.join()));
                return response;
            });
        }
        OffsetFetchRequestGroup group = new OffsetFetchRequestGroup().setGroupId(request.groupId());
        if (request.topics() != null) {
            List<OffsetFetchRequestTopics> topics = new ArrayList<>();
            for (OffsetFetchRequestTopic t : request.topics()) {
                topics.add(new OffsetFetchRequestTopics().setName(t.name()).setPartitionIndexes(t.partitionIndexes()));
            }
            group.setTopics(topics);
        } else {
            group.setTopics(null);
        }
        return coordinator.fetchOffsets(group, request.requireStable()).thenApply(g -> {
            OffsetFetchResponseData response = new OffsetFetchResponseData().setErrorCode(g.errorCode());
            for (OffsetFetchResponseTopics t : g.topics()) {
                OffsetFetchResponseTopic topic = new OffsetFetchResponseTopic().setName(t.name());
                for (OffsetFetchResponsePartitions p : t.partitions()) {
                    topic.partitions().add(new OffsetFetchResponsePartition().setPartitionIndex(p.partitionIndex())
                            .setCommittedOffset(p.committedOffset()).setCommittedLeaderEpoch(p.committedLeaderEpoch())
                            .setMetadata(p.metadata()).setErrorCode(g.errorCode() != 0 ? g.errorCode() : p.errorCode()));
                }
                response.topics().add(topic);
            }
            if (version < 2 && g.errorCode() != Errors.NONE.code()) {
                response.setErrorCode(Errors.NONE.code()); // v0-1 carry errors per partition only
            }
            return response;
        });
    }

    private static OffsetFetchResponseGroup withTopicIds(OffsetFetchResponseGroup group, MetadataImage image) {
        for (OffsetFetchResponseTopics t : group.topics()) {
            TopicImage topic = image.topicsByName().get(t.name());
            if (topic != null) {
                t.setTopicId(topic.id());
            }
        }
        return group;
    }
}
