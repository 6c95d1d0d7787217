package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.coordinator.txn.TransactionCoordinator;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * AddPartitionsToTxn v0-5, answered by the transaction coordinator of the id.
 * <ul>
 *   <li>v0-3 (clients of transaction version 1): one transaction; when a partition is not in the
 *       metadata nothing is added: it gets UNKNOWN_TOPIC_OR_PARTITION and the others
 *       OPERATION_NOT_ATTEMPTED (Kafka's rule).</li>
 *   <li>v4-5 (brokers, KIP-890): a batch of transactions, each either verified ({@code verifyOnly})
 *       or added; sent by a partition leader before the first transactional write to a partition.
 *       v5 may answer TRANSACTION_ABORTABLE.</li>
 * </ul>
 * A coordinator failure (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS...) is the top-level error
 * for v4+ and every partition's error for v0-3.
 */
public final class AddPartitionsToTxnHandler implements ApiHandler<AddPartitionsToTxnRequestData> {
    private final ReplicaManager replicas;
    private final TransactionCoordinator transactions;

    public AddPartitionsToTxnHandler(ReplicaManager replicas, TransactionCoordinator transactions) {
        this.replicas = replicas;
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ADD_PARTITIONS_TO_TXN;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AddPartitionsToTxnRequestData request) {
        short version = context.header().apiVersion();
        if (version < 4) {
            Map<TopicPartition, Errors> unknown = unknownPartitions(request.v3AndBelowTopics());
            if (!unknown.isEmpty()) {
                return CompletableFuture.completedFuture(new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(
                        AddPartitionsToTxnResponse.resultForTransaction(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID,
                                unknown).topicResults()));
            }
        }
        return transactions.addPartitionsToTxn(request, version).handle((response, e) -> {
            if (e == null) {
                return response;
            }
            Errors error = ErrorMapping.toError(e, "AddPartitionsToTxn");
            if (version >= 4) {
                return new AddPartitionsToTxnResponseData().setErrorCode(error.code());
            }
            Map<TopicPartition, Errors> all = new HashMap<>();
            AddPartitionsToTxnRequest.getPartitions(request.v3AndBelowTopics()).forEach(tp -> all.put(tp, error));
            return new AddPartitionsToTxnResponseData().setResultsByTopicV3AndBelow(AddPartitionsToTxnResponse
                    .resultForTransaction(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID, all).topicResults());
        });
    }

    /** Empty when every partition is known; else every partition's answer (unknown ones and OPERATION_NOT_ATTEMPTED). */
    private Map<TopicPartition, Errors> unknownPartitions(AddPartitionsToTxnTopicCollection topics) {
        MetadataImage image = replicas.image();
        List<TopicPartition> partitions = AddPartitionsToTxnRequest.getPartitions(topics);
        Map<TopicPartition, Errors> answers = new HashMap<>();
        boolean anyUnknown = false;
        for (TopicPartition tp : partitions) {
            TopicImage topic = image.topicsByName().get(tp.topic());
            boolean known = topic != null && topic.partitions().containsKey(tp.partition());
            anyUnknown |= !known;
            answers.put(tp, known ? Errors.OPERATION_NOT_ATTEMPTED : Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        return anyUnknown ? answers : Map.of();
    }
}
