package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeTopicPartitions v0 (KIP-966): topics in name order with their partitions, paged by
 * {@code responsePartitionLimit} (capped at 2000, Kafka's {@code max.request.partition.size.limit})
 * and a cursor (topic name, first partition). An empty topic list means all topics. Each
 * partition carries its eligible leader replicas and last known leader ({@code LastKnownElr}) from
 * the metadata image, which {@code kafka-topics.sh --describe} prints as "Elr:" and "LastKnownElr:".
 */
public final class DescribeTopicPartitionsHandler implements ApiHandler<DescribeTopicPartitionsRequestData> {
    private static final int MAX_PARTITIONS = 2000;

    private final ReplicaManager replicas;

    public DescribeTopicPartitionsHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_TOPIC_PARTITIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeTopicPartitionsRequestData request) {
        MetadataImage image = replicas.image();
        TreeSet<String> names = new TreeSet<>();
        if (request.topics().isEmpty()) {
            names.addAll(image.topicsByName().keySet());
        } else {
            request.topics().forEach(t -> names.add(t.name()));
        }
        var cursor = request.cursor();
        if (cursor != null) {
            names.headSet(cursor.topicName()).clear();
        }
        int budget = Math.min(Math.max(request.responsePartitionLimit(), 1), MAX_PARTITIONS);
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        for (String name : names) {
            TopicImage topic = image.topicsByName().get(name);
            if (topic == null) {
                response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID)
                        .setErrorCode((MetadataHandler.isValidName(name)
                                ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION).code()));
                continue;
            }
            int first = cursor != null && name.equals(cursor.topicName()) ? cursor.partitionIndex() : 0;
            DescribeTopicPartitionsResponseTopic out = new DescribeTopicPartitionsResponseTopic().setName(name)
                    .setTopicId(topic.id()).setIsInternal(Topic.isInternal(name))
                    .setTopicAuthorizedOperations(AuthorizedOperations.TOPIC);
            response.topics().add(out);
            for (int i = first; i < topic.partitions().size(); i++) {
                if (budget == 0) {
                    response.setNextCursor(new DescribeTopicPartitionsResponseData.Cursor().setTopicName(name).setPartitionIndex(i));
                    return CompletableFuture.completedFuture(response);
                }
                budget--;
                out.partitions().add(partition(i, topic.partitions().get(i)));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private static DescribeTopicPartitionsResponsePartition partition(int index, PartitionRegistration p) {
        List<Integer> none = new ArrayList<>(0);
        return new DescribeTopicPartitionsResponsePartition()
                .setPartitionIndex(index)
                .setLeaderId(p.leader())
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(p.replicas()))
                .setIsrNodes(new ArrayList<>(p.isr()))
                .setEligibleLeaderReplicas(new ArrayList<>(p.elr()))
                .setLastKnownElr(new ArrayList<>(p.lastKnownElr()))
                .setOfflineReplicas(none);
    }
}
