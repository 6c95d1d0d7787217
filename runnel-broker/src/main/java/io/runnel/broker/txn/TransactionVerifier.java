package io.runnel.broker.txn;

import io.runnel.coordinator.txn.TransactionCoordinator;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.utils.Time;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Asks a transactional id's coordinator whether partitions are in the producer's ongoing
 * transaction, or (transaction version 2) to add them, before the first transactional write to
 * them is appended (KIP-890; Kafka's {@code AddPartitionsToTxnManager} and the verification
 * steps of {@code ReplicaManager}). The coordinator is the leader of the id's
 * {@code __transaction_state} partition: this broker's own {@link TransactionCoordinator} is
 * called directly, another broker's with an inter-broker AddPartitionsToTxn v4+ request.
 *
 * <p>The answer maps each partition that failed to the error its client must see, as Kafka does:
 * PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH; TRANSACTION_ABORTABLE becomes INVALID_TXN_STATE
 * for a {@link VerificationMode#DEFAULT_ERROR} client; a coordinator that cannot answer now
 * (CONCURRENT_TRANSACTIONS, NETWORK_EXCEPTION, COORDINATOR_LOAD_IN_PROGRESS,
 * COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR) becomes NOT_ENOUGH_REPLICAS, which every producer
 * retries without a metadata refresh. When adding (transaction version 2), CONCURRENT_TRANSACTIONS
 * (the previous transaction's markers are still being written) is first retried every 20 ms for
 * up to 100 ms, Kafka's {@code add.partitions.to.txn.retry.backoff.*} defaults.
 *
 * <p>Thread-safety: safe for concurrent use; never blocks the caller.
 */
public final class TransactionVerifier {
    private static final long RETRY_BACKOFF_MS = 20;
    private static final long RETRY_MAX_MS = 100;

    private final int localBrokerId;
    private final Supplier<MetadataImage> image;
    private final ToIntFunction<String> partitionFor;
    private final LocalCoordinator coordinator;
    private final InterBrokerSender sender;
    private final Time time;

    /** This broker's transaction coordinator, as the verifier calls it: {@link TransactionCoordinator#addPartitionsToTxn}. */
    @FunctionalInterface
    public interface LocalCoordinator {
        CompletableFuture<AddPartitionsToTxnResponseData> addPartitionsToTxn(AddPartitionsToTxnRequestData request,
                                                                             short version);
    }

    /**
     * @param image the metadata image the broker answers from now
     * @param partitionFor the {@code __transaction_state} partition of a transactional id
     * @param sender reaches other brokers on the inter-broker listener
     */
    public TransactionVerifier(int localBrokerId, Supplier<MetadataImage> image, ToIntFunction<String> partitionFor,
                               LocalCoordinator coordinator, InterBrokerSender sender, Time time) {
        this.localBrokerId = localBrokerId;
        this.image = image;
        this.partitionFor = partitionFor;
        this.coordinator = coordinator;
        this.sender = sender;
        this.time = time;
    }

    /**
     * Verifies (or adds) {@code partitions} for the producer's transaction. Completes, never
     * exceptionally, with the partitions that failed and their client-facing errors (empty: all
     * verified).
     */
    public CompletableFuture<Map<TopicPartition, Errors>> verify(String transactionalId, long producerId,
                                                                 short producerEpoch, Collection<TopicPartition> partitions,
                                                                 VerificationMode mode) {
        long deadline = time.milliseconds() + RETRY_MAX_MS;
        return attempt(transactionalId, producerId, producerEpoch, List.copyOf(partitions), mode, deadline);
    }

    private CompletableFuture<Map<TopicPartition, Errors>> attempt(String transactionalId, long producerId,
                                                                   short producerEpoch, List<TopicPartition> partitions,
                                                                   VerificationMode mode, long deadline) {
        return ask(transactionalId, producerId, producerEpoch, partitions, mode).thenCompose(errors -> {
            boolean concurrent = !errors.isEmpty() && errors.values().stream().allMatch(e -> e == Errors.CONCURRENT_TRANSACTIONS);
            if (concurrent && mode.adds() && time.milliseconds() + RETRY_BACKOFF_MS <= deadline) {
                Executor later = CompletableFuture.delayedExecutor(RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS);
                return CompletableFuture.supplyAsync(() -> null, later).thenCompose(ignored ->
                        attempt(transactionalId, producerId, producerEpoch, partitions, mode, deadline));
            }
            Map<TopicPartition, Errors> mapped = new HashMap<>();
            errors.forEach((tp, error) -> mapped.put(tp, forClient(error, mode)));
            return CompletableFuture.completedFuture(mapped);
        });
    }

    /** The coordinator's raw per-partition errors (only partitions that failed). */
    private CompletableFuture<Map<TopicPartition, Errors>> ask(String transactionalId, long producerId, short producerEpoch,
                                                               List<TopicPartition> partitions, VerificationMode mode) {
        int coordinatorId = coordinatorOf(transactionalId);
        if (coordinatorId < 0) {
            return CompletableFuture.completedFuture(all(partitions, Errors.COORDINATOR_NOT_AVAILABLE));
        }
        AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
        for (TopicPartition tp : partitions) {
            AddPartitionsToTxnTopic topic = topics.find(tp.topic());
            if (topic == null) {
                topic = new AddPartitionsToTxnTopic().setName(tp.topic());
                topics.add(topic);
            }
            topic.partitions().add(tp.partition());
        }
        AddPartitionsToTxnTransactionCollection transactions = new AddPartitionsToTxnTransactionCollection();
        transactions.add(new AddPartitionsToTxnTransaction().setTransactionalId(transactionalId)
                .setProducerId(producerId).setProducerEpoch(producerEpoch).setVerifyOnly(!mode.adds()).setTopics(topics));
        AddPartitionsToTxnRequest request = AddPartitionsToTxnRequest.Builder.forBroker(transactions).build();
        CompletableFuture<AddPartitionsToTxnResponseData> response = coordinatorId == localBrokerId
                ? coordinator.addPartitionsToTxn(request.data(), request.version())
                : sender.send(coordinatorId, request).thenApply(r -> ((AddPartitionsToTxnResponse) r).data());
        return response.handle((data, e) -> {
            if (e != null) {
                return all(partitions, Errors.NETWORK_EXCEPTION);
            }
            if (data.errorCode() != Errors.NONE.code()) {
                Errors error = Errors.forCode(data.errorCode());
                return all(partitions, error == Errors.CLUSTER_AUTHORIZATION_FAILED ? Errors.INVALID_TXN_STATE : error);
            }
            Map<TopicPartition, Errors> failed = new HashMap<>();
            for (AddPartitionsToTxnResponseData.AddPartitionsToTxnResult result : data.resultsByTransaction()) {
                result.topicResults().forEach(topic -> topic.resultsByPartition().forEach(p -> {
                    if (p.partitionErrorCode() != Errors.NONE.code()) {
                        failed.put(new TopicPartition(topic.name(), p.partitionIndex()), Errors.forCode(p.partitionErrorCode()));
                    }
                }));
            }
            return failed;
        });
    }

    /** The broker leading the id's {@code __transaction_state} partition, if it is registered and unfenced; else -1. */
    private int coordinatorOf(String transactionalId) {
        MetadataImage current = image.get();
        TopicImage topic = current.topicsByName().get(Topic.TRANSACTION_STATE_TOPIC_NAME);
        PartitionRegistration partition = topic == null ? null
                : topic.partitions().get(partitionFor.applyAsInt(transactionalId));
        if (partition == null || partition.leader() < 0) {
            return -1;
        }
        BrokerRegistration leader = current.brokers().get(partition.leader());
        return leader == null || leader.fenced() ? -1 : partition.leader();
    }

    private static Errors forClient(Errors error, VerificationMode mode) {
        return switch (error) {
            case PRODUCER_FENCED -> Errors.INVALID_PRODUCER_EPOCH;
            case TRANSACTION_ABORTABLE -> mode == VerificationMode.DEFAULT_ERROR ? Errors.INVALID_TXN_STATE : error;
            case CONCURRENT_TRANSACTIONS, NETWORK_EXCEPTION, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE,
                 NOT_COORDINATOR -> Errors.NOT_ENOUGH_REPLICAS;
            default -> error;
        };
    }

    private static Map<TopicPartition, Errors> all(Collection<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> out = new HashMap<>();
        partitions.forEach(tp -> out.put(tp, error));
        return out;
    }
}
