package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetCommit v2-10.
 * <ul>
 *   <li>Topics and partitions not in the metadata get UNKNOWN_TOPIC_OR_PARTITION (v10, by topic
 *       id: UNKNOWN_TOPIC_ID); the rest go to the group's coordinator.</li>
 *   <li>v2-4: the retention time is ignored (offsets.retention.minutes decides, as in Kafka 4).</li>
 *   <li>v6+: the committed leader epoch; v7+: group.instance.id; v9+: a KIP-848 member epoch in
 *       place of the generation; v10: topics by id.</li>
 * </ul>
 */
public final class OffsetCommitHandler implements ApiHandler<OffsetCommitRequestData> {
    private final ReplicaManager replicas;
    private final GroupCoordinator coordinator;

    public OffsetCommitHandler(ReplicaManager replicas, GroupCoordinator coordinator) {
        this.replicas = replicas;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, OffsetCommitRequestData request) {
        boolean byId = context.header().apiVersion() >= 10;
        MetadataImage image = replicas.image();
        OffsetCommitResponseData unknown = new OffsetCommitResponseData();
        List<OffsetCommitRequestTopic> known = new ArrayList<>();
        for (OffsetCommitRequestTopic topic : request.topics()) {
            TopicImage image1 = byId ? image.topicsById().get(topic.topicId()) : image.topicsByName().get(topic.name());
            OffsetCommitRequestTopic valid = new OffsetCommitRequestTopic().setTopicId(topic.topicId())
                    .setName(image1 != null ? image1.name() : topic.name());
            OffsetCommitResponseTopic invalid = new OffsetCommitResponseTopic().setName(topic.name()).setTopicId(topic.topicId());
            for (OffsetCommitRequestPartition p : topic.partitions()) {
                if (image1 != null && image1.partitions().containsKey(p.partitionIndex())) {
                    valid.partitions().add(p);
                } else {
                    Errors error = byId && image1 == null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    invalid.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                            .setErrorCode(error.code()));
                }
            }
            if (!valid.partitions().isEmpty()) {
                known.add(valid);
            }
            if (!invalid.partitions().isEmpty()) {
                unknown.topics().add(invalid);
            }
        }
        if (known.isEmpty()) {
            return CompletableFuture.completedFuture(unknown);
        }
        request.setTopics(known);
        return coordinator.commitOffsets(request).thenApply(response -> {
            if (byId) {
                response.topics().forEach(t -> t.setName("")); // a v10 answer names topics by id only
            }
            response.topics().addAll(unknown.topics());
            return response;
        });
    }
}
