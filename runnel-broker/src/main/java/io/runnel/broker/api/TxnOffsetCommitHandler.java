package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.broker.txn.TransactionVerifier;
import io.runnel.broker.txn.VerificationMode;
import io.runnel.coordinator.group.GroupCoordinator;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * TxnOffsetCommit v0-6: offsets written in the producer's transaction by the group's coordinator,
 * visible once the transaction commits.
 * <ul>
 *   <li>Partitions not in the metadata get UNKNOWN_TOPIC_OR_PARTITION (v6, topics by id:
 *       UNKNOWN_TOPIC_ID); the rest go to the group coordinator.</li>
 *   <li>First, the group's {@code __consumer_offsets} partition is checked with the transaction
 *       coordinator (KIP-890, when {@code transaction.partition.verification.enable}): v0-4 verify
 *       that AddOffsetsToTxn added it; v5+ (transaction version 2) add it, since those clients send
 *       no AddOffsetsToTxn. A coordinator that cannot answer now makes every partition
 *       COORDINATOR_NOT_AVAILABLE (the client looks it up again and retries), as Kafka's group
 *       coordinator maps NOT_ENOUGH_REPLICAS.</li>
 *   <li>v3+: generation or member epoch, member id and group instance id are checked against the group.</li>
 * </ul>
 */
public final class TxnOffsetCommitHandler implements ApiHandler<TxnOffsetCommitRequestData> {
    private final ReplicaManager replicas;
    private final GroupCoordinator groups;
    private final TransactionVerifier verifier;
    private final boolean verificationEnabled;

    public TxnOffsetCommitHandler(ReplicaManager replicas, GroupCoordinator groups, TransactionVerifier verifier,
                                  boolean verificationEnabled) {
        this.replicas = replicas;
        this.groups = groups;
        this.verifier = verifier;
        this.verificationEnabled = verificationEnabled;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.TXN_OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, TxnOffsetCommitRequestData request) {
        short version = context.header().apiVersion();
        boolean byId = version >= 6;
        MetadataImage image = replicas.image();
        TxnOffsetCommitResponseData unknown = new TxnOffsetCommitResponseData();
        List<TxnOffsetCommitRequestTopic> known = new ArrayList<>();
        Map<String, Uuid> idsByName = new HashMap<>();
        for (TxnOffsetCommitRequestTopic topic : request.topics()) {
            TopicImage metadata = byId ? image.topicsById().get(topic.topicId()) : image.topicsByName().get(topic.name());
            TxnOffsetCommitRequestTopic valid = new TxnOffsetCommitRequestTopic()
                    .setName(metadata != null ? metadata.name() : topic.name()).setTopicId(topic.topicId());
            TxnOffsetCommitResponseTopic invalid = new TxnOffsetCommitResponseTopic()
                    .setName(topic.name()).setTopicId(topic.topicId());
            for (TxnOffsetCommitRequestPartition p : topic.partitions()) {
                if (metadata != null && metadata.partitions().containsKey(p.partitionIndex())) {
                    valid.partitions().add(p);
                } else {
                    Errors error = byId && metadata == null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    invalid.partitions().add(new TxnOffsetCommitResponsePartition()
                            .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
                }
            }
            if (!valid.partitions().isEmpty()) {
                known.add(valid);
                if (metadata != null) {
                    idsByName.put(metadata.name(), metadata.id());
                }
            }
            if (!invalid.partitions().isEmpty()) {
                unknown.topics().add(invalid);
            }
        }
        if (known.isEmpty()) {
            return CompletableFuture.completedFuture(unknown);
        }
        request.setTopics(known);
        VerificationMode mode = VerificationMode.forTxnOffsetCommit(version);
        CompletableFuture<Errors> verified = !verificationEnabled && !mode.adds()
                ? CompletableFuture.completedFuture(Errors.NONE)
                : verifyOffsetsPartition(request, mode);
        return verified.thenCompose(error -> error != Errors.NONE
                ? CompletableFuture.completedFuture(failed(request, error))
                : groups.txnOffsetCommit(request).exceptionally(e ->
                        failed(request, ErrorMapping.toError(e, "TxnOffsetCommit"))))
                .thenApply(response -> {
                    if (byId) {
                        response.topics().forEach(t -> t.setTopicId(idsByName.getOrDefault(t.name(), Uuid.ZERO_UUID))
                                .setName(""));
                    }
                    response.topics().addAll(unknown.topics());
                    return response;
                });
    }

    private CompletableFuture<Errors> verifyOffsetsPartition(TxnOffsetCommitRequestData request, VerificationMode mode) {
        TopicPartition offsetsPartition = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME,
                groups.partitionFor(request.groupId()));
        return verifier.verify(request.transactionalId(), request.producerId(), request.producerEpoch(),
                List.of(offsetsPartition), mode).thenApply(errors -> {
                    Errors error = errors.getOrDefault(offsetsPartition, Errors.NONE);
                    return error == Errors.NOT_ENOUGH_REPLICAS ? Errors.COORDINATOR_NOT_AVAILABLE : error;
                });
    }

    private static TxnOffsetCommitResponseData failed(TxnOffsetCommitRequestData request, Errors error) {
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        for (TxnOffsetCommitRequestTopic topic : request.topics()) {
            TxnOffsetCommitResponseTopic out = new TxnOffsetCommitResponseTopic().setName(topic.name());
            topic.partitions().forEach(p -> out.partitions().add(new TxnOffsetCommitResponsePartition()
                    .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code())));
            response.topics().add(out);
        }
        return response;
    }
}
