package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetDelete v0: deletes committed offsets of a group (GROUP_ID_NOT_FOUND for an unknown
 * group, GROUP_SUBSCRIBED_TO_TOPIC for a topic a live member consumes, UNKNOWN_TOPIC_OR_PARTITION
 * for a partition not in the metadata).
 */
public final class OffsetDeleteHandler implements ApiHandler<OffsetDeleteRequestData> {
    private final ReplicaManager replicas;
    private final GroupCoordinator coordinator;

    public OffsetDeleteHandler(ReplicaManager replicas, GroupCoordinator coordinator) {
        this.replicas = replicas;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_DELETE;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetDeleteRequestData request) {
        MetadataImage image = replicas.image();
        List<OffsetDeleteResponseTopic> unknown = new ArrayList<>();
        OffsetDeleteRequestTopicCollection known = new OffsetDeleteRequestTopicCollection();
        for (OffsetDeleteRequestTopic topic : request.topics()) {
            TopicImage t = image.topicsByName().get(topic.name());
            OffsetDeleteRequestTopic valid = new OffsetDeleteRequestTopic().setName(topic.name());
            OffsetDeleteResponseTopic invalid = new OffsetDeleteResponseTopic().setName(topic.name());
            for (OffsetDeleteRequestPartition p : topic.partitions()) {
                if (t != null && t.partitions().containsKey(p.partitionIndex())) {
                    valid.partitions().add(new OffsetDeleteRequestPartition().setPartitionIndex(p.partitionIndex()));
                } else {
                    invalid.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
                            .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
                }
            }
            if (!valid.partitions().isEmpty()) {
                known.add(valid);
            }
            if (!invalid.partitions().isEmpty()) {
                unknown.add(invalid);
            }
        }
        request.setTopics(known);
        return coordinator.deleteOffsets(request).thenApply(response -> {
            if (response.errorCode() == Errors.NONE.code()) {
                for (OffsetDeleteResponseTopic t : unknown) {
                    OffsetDeleteResponseTopic existing = response.topics().find(t.name());
                    if (existing == null) {
                        response.topics().add(t);
                    } else {
                        t.partitions().forEach(p -> existing.partitions().add(p.duplicate()));
                    }
                }
            }
            return response;
        });
    }
}
