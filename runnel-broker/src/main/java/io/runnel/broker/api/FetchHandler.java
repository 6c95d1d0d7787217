package io.runnel.broker.api;

import io.runnel.broker.fetch.DelayedFetch;
import io.runnel.broker.fetch.FetchContext;
import io.runnel.broker.fetch.FetchParams;
import io.runnel.broker.fetch.FetchReader;
import io.runnel.broker.fetch.FetchSessionCache;
import io.runnel.broker.fetch.PartitionFetch;
import io.runnel.broker.fetch.ReadReplicaSelector;
import io.runnel.broker.network.RequestContext;
import io.runnel.broker.purgatory.Purgatory;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.replica.ClientMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Fetch v4-v18 for consumers and followers.
 * <ul>
 *   <li>A follower (replica id >= 0: the replicaId field before v15, ReplicaState from v15) reads
 *       up to the log end offset, and its fetch offset is recorded as its log end offset when the
 *       request arrives (high watermark, ISR expansion: see {@code Partition}).</li>
 *   <li>Record bytes are sent straight from segment files (zero copy) up to the high watermark;
 *       read_committed stops at the last stable offset and lists the aborted transactions in range.
 *       What each partition reads and answers: {@link FetchReader}.</li>
 *   <li>v7+: fetch sessions (KIP-227); v13+: topics by id (UNKNOWN_TOPIC_ID when unknown).</li>
 *   <li>v9+: current leader epoch checks (FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH);
 *       v12+: diverging epochs from lastFetchedEpoch.</li>
 *   <li>v11+ (KIP-392): the consumer's rackId; a follower serves the consumer up to its own high
 *       watermark, and with {@code replica.selector.class} set the leader answers with a
 *       preferredReadReplica instead of records.</li>
 *   <li>NOT_LEADER_OR_FOLLOWER and FENCED_LEADER_EPOCH carry the partition's current leader and
 *       epoch from the metadata (v12+), and v16+ the endpoints of those leaders on the request's
 *       listener (KIP-951).</li>
 *   <li>max.wait.ms and min.bytes: a fetch without enough data parks in the purgatory and
 *       completes when an append brings enough, or at its deadline.</li>
 * </ul>
 */
public final class FetchHandler implements ApiHandler<FetchRequestData> {
    private final ReplicaManager replicas;
    private final FetchSessionCache sessions;
    private final FetchReader reader;
    private final Purgatory<TopicPartition> purgatory;

    /** @param selector chooses a consumer's preferred read replica ({@link ReadReplicaSelector#NONE}: the leader) */
    public FetchHandler(ReplicaManager replicas, FetchSessionCache sessions, Purgatory<TopicPartition> purgatory,
                        ReadReplicaSelector selector) {
        this.replicas = replicas;
        this.sessions = sessions;
        this.reader = new FetchReader(replicas, selector);
        this.purgatory = purgatory;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, FetchRequestData request) {
        short version = context.header().apiVersion();
        MetadataImage image = replicas.image();
        FetchContext fetch = sessions.newContext(request.sessionId(), request.sessionEpoch(),
                requestedPartitions(request, image, version), forgottenPartitions(request, image, version));
        if (fetch.error() != Errors.NONE) {
            return CompletableFuture.completedFuture(new FetchResponseData()
                    .setErrorCode(fetch.error().code()).setSessionId(0));
        }
        int replicaId = FetchRequest.replicaId(request);
        if (replicaId >= 0) {
            reader.recordFollowerFetch(fetch.partitions(), replicaId);
        }
        FetchParams params = new FetchParams(replicaId, request.maxBytes(), request.minBytes(),
                IsolationLevel.forId(request.isolationLevel()), clientMetadata(context, request, replicaId));
        CompletableFuture<ApiMessage> result = new CompletableFuture<>();
        Runnable respond = () -> result.complete(response(context, fetch, reader.read(fetch.partitions(), params)));
        if (request.maxWaitMs() <= 0 || request.minBytes() <= 0 || fetch.partitions().isEmpty()) {
            respond.run();
            return result;
        }
        List<TopicPartition> keys = new ArrayList<>(fetch.partitions().size());
        for (PartitionFetch p : fetch.partitions()) {
            if (p.id().topic() != null) {
                keys.add(p.id().topicPartition());
            }
        }
        purgatory.tryCompleteElseWatch(
                new DelayedFetch(request.maxWaitMs(), reader, fetch.partitions(), params, respond), keys);
        return result;
    }

    /** A v11+ consumer's metadata for follower fetching (KIP-392); null for followers and older consumers. */
    private static ClientMetadata clientMetadata(RequestContext context, FetchRequestData request, int replicaId) {
        if (context.header().apiVersion() < 11 || replicaId >= 0) {
            return null;
        }
        return new ClientMetadata.DefaultClientMetadata(request.rackId(), context.header().clientId(),
                context.clientAddress().getAddress(), KafkaPrincipal.ANONYMOUS, context.listenerName());
    }

    private FetchResponseData response(RequestContext context, FetchContext fetch, Map<PartitionFetch, PartitionData> read) {
        short version = context.header().apiVersion();
        FetchResponseData response = new FetchResponseData().setSessionId(fetch.sessionId());
        Map<TopicIdPartitionKey, FetchableTopicResponse> byTopic = new LinkedHashMap<>();
        TreeSet<Integer> leaders = new TreeSet<>();
        MetadataImage image = replicas.image();
        fetch.responsePartitions(read).forEach((p, data) -> {
            TopicIdPartitionKey key = new TopicIdPartitionKey(p.id().topicId(), p.id().topic());
            byTopic.computeIfAbsent(key, k -> {
                FetchableTopicResponse t = new FetchableTopicResponse().setTopicId(k.id).setTopic(k.name == null ? "" : k.name);
                response.responses().add(t);
                return t;
            }).partitions().add(data);
            if (version >= 12 && (data.errorCode() == Errors.NOT_LEADER_OR_FOLLOWER.code()
                    || data.errorCode() == Errors.FENCED_LEADER_EPOCH.code())) {
                PartitionRegistration registration = replicas.registration(p.id().topicPartition()).orElse(null);
                if (registration != null) {
                    data.currentLeader().setLeaderId(registration.leader()).setLeaderEpoch(registration.leaderEpoch());
                    if (registration.leader() >= 0) {
                        leaders.add(registration.leader());
                    }
                }
            }
        });
        if (version >= 16) {
            for (int leader : leaders) {
                Endpoints.of(image, leader, context.listenerName()).ifPresent(e -> response.nodeEndpoints().add(
                        new FetchResponseData.NodeEndpoint().setNodeId(leader).setHost(e.host()).setPort(e.port())
                                .setRack(image.brokers().get(leader).rack())));
            }
        }
        return response;
    }

    private static List<PartitionFetch> requestedPartitions(FetchRequestData request, MetadataImage image, short version) {
        List<PartitionFetch> out = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : request.topics()) {
            TopicIdPartitionKey key = resolve(image, version, topic.topic(), topic.topicId());
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                out.add(new PartitionFetch(idPartition(key, p.partition()), p.fetchOffset(), p.partitionMaxBytes(),
                        p.currentLeaderEpoch(), p.lastFetchedEpoch()));
            }
        }
        return out;
    }

    private static List<TopicIdPartition> forgottenPartitions(FetchRequestData request, MetadataImage image, short version) {
        List<TopicIdPartition> out = new ArrayList<>(0);
        for (FetchRequestData.ForgottenTopic topic : request.forgottenTopicsData()) {
            TopicIdPartitionKey key = resolve(image, version, topic.topic(), topic.topicId());
            topic.partitions().forEach(p -> out.add(idPartition(key, p)));
        }
        return out;
    }

    /** v13+ names topics by id only; older versions by name only (the id is then zero). */
    private static TopicIdPartitionKey resolve(MetadataImage image, short version, String name, Uuid id) {
        if (version >= 13) {
            TopicImage topic = image.topicsById().get(id);
            return new TopicIdPartitionKey(id, topic == null ? null : topic.name());
        }
        return new TopicIdPartitionKey(Uuid.ZERO_UUID, name);
    }

    private static TopicIdPartition idPartition(TopicIdPartitionKey key, int partition) {
        return new TopicIdPartition(key.id, partition, key.name);
    }

    private record TopicIdPartitionKey(Uuid id, String name) {
        TopicIdPartitionKey {
            Objects.requireNonNull(id);
        }
    }
}
