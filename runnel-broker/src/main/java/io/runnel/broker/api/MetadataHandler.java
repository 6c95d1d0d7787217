package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.MetadataQuorum;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Metadata v0-v13.
 * <ul>
 *   <li>v0: an empty topic list means all topics; v1+: null means all, empty means none.</li>
 *   <li>v4+: {@code allowAutoTopicCreation}; before v4 creation is always allowed. Missing topics
 *       are created (when {@code auto.create.topics.enable}) and answered once the creation has
 *       committed, so the client needs no second round trip.</li>
 *   <li>v10+: topics may be named by id only; unknown ids get UNKNOWN_TOPIC_ID.</li>
 *   <li>v8+: authorized operations are reported as "all" when asked (Runnel has no ACLs yet).</li>
 *   <li>{@code controllerId} is the active controller when it is a listed broker, else (a
 *       controller-only node leads, or none does) a listed broker, which forwards.</li>
 * </ul>
 */
public final class MetadataHandler implements ApiHandler<MetadataRequestData> {
    private static final int AUTO_CREATE_WAIT_MS = 5_000;

    private final ReplicaManager replicas;
    private final MetadataQuorum quorum;
    private final boolean autoCreateTopics;

    public MetadataHandler(ReplicaManager replicas, MetadataQuorum quorum, boolean autoCreateTopics) {
        this.replicas = replicas;
        this.quorum = quorum;
        this.autoCreateTopics = autoCreateTopics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, MetadataRequestData request) {
        short version = context.header().apiVersion();
        MetadataImage image = replicas.image();
        boolean allowCreate = autoCreateTopics && (version < 4 || request.allowAutoTopicCreation());
        List<String> missing = new ArrayList<>();
        if (allowCreate && request.topics() != null) {
            for (var t : request.topics()) {
                if (!byId(t) && !image.topicsByName().containsKey(t.name()) && isValidName(t.name())) {
                    missing.add(t.name());
                }
            }
        }
        if (missing.isEmpty()) {
            return CompletableFuture.completedFuture(build(context, request, image));
        }
        CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(AUTO_CREATE_WAIT_MS);
        missing.forEach(name -> create.topics().add(new CreatableTopic().setName(name)
                .setNumPartitions(-1).setReplicationFactor((short) -1)));
        return quorum.controller().createTopics(create)
                .orTimeout(AUTO_CREATE_WAIT_MS, TimeUnit.MILLISECONDS)
                .handle((r, e) -> build(context, request, replicas.image()));
    }

    private MetadataResponseData build(RequestContext context, MetadataRequestData request, MetadataImage image) {
        short version = context.header().apiVersion();
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(image.clusterId())
                .setControllerId(quorum.activeControllerId());
        image.brokers().values().stream().filter(b -> !b.fenced()).forEach(b ->
                Endpoints.of(b, context.listenerName()).ifPresent(e -> response.brokers().add(
                        new MetadataResponseBroker().setNodeId(b.id()).setHost(e.host()).setPort(e.port()).setRack(b.rack()))));
        if (response.brokers().find(response.controllerId()) == null && !response.brokers().isEmpty()) {
            // A controller-only node leads: clients cannot reach it, and Kafka's admin client sends
            // controller requests (CreateTopics...) to the node named here. Any broker forwards them;
            // Kafka names a random live broker, Runnel the lowest id.
            response.setControllerId(response.brokers().stream().mapToInt(MetadataResponseBroker::nodeId).min().getAsInt());
        }
        boolean all = request.topics() == null || (version == 0 && request.topics().isEmpty());
        if (all) {
            image.topicsByName().values().forEach(t -> response.topics().add(describe(t, request)));
        } else {
            for (var t : request.topics()) {
                response.topics().add(describeRequested(t, image, request));
            }
        }
        if (version >= 8 && version <= 10 && request.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(AuthorizedOperations.CLUSTER);
        }
        return response;
    }

    private MetadataResponseTopic describeRequested(MetadataRequestData.MetadataRequestTopic requested, MetadataImage image,
                                                   MetadataRequestData request) {
        if (byId(requested)) {
            TopicImage byId = image.topicsById().get(requested.topicId());
            return byId != null ? describe(byId, request) : new MetadataResponseTopic()
                    .setTopicId(requested.topicId()).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
        }
        TopicImage topic = image.topicsByName().get(requested.name());
        if (topic != null) {
            return describe(topic, request);
        }
        Errors error = isValidName(requested.name()) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION;
        return new MetadataResponseTopic().setName(requested.name()).setTopicId(Uuid.ZERO_UUID)
                .setErrorCode(error.code()).setIsInternal(Topic.isInternal(requested.name()));
    }

    private static MetadataResponseTopic describe(TopicImage topic, MetadataRequestData request) {
        MetadataResponseTopic out = new MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(Topic.isInternal(topic.name()));
        if (request.includeTopicAuthorizedOperations()) {
            out.setTopicAuthorizedOperations(AuthorizedOperations.TOPIC);
        }
        for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
            PartitionRegistration p = e.getValue();
            out.partitions().add(new MetadataResponsePartition()
                    .setPartitionIndex(e.getKey())
                    .setErrorCode(p.leader() < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code())
                    .setLeaderId(p.leader())
                    .setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(p.replicas()))
                    .setIsrNodes(new ArrayList<>(p.isr())));
        }
        return out;
    }

    /** v10+ names a topic by id with a null (or, from some clients, empty) name. */
    private static boolean byId(MetadataRequestData.MetadataRequestTopic topic) {
        return topic.name() == null || (topic.name().isEmpty() && !Uuid.ZERO_UUID.equals(topic.topicId()));
    }

    static boolean isValidName(String name) {
        try {
            Topic.validate(name);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
