package io.runnel.coordinator.txn;

import io.runnel.coordinator.runtime.InMemoryCoordinatorLog;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * A transaction coordinator over the real runtime, an in-memory {@code __transaction_state} of
 * one partition, manual time, a fake marker writer and producer ids counting from 1000; with
 * one-line request helpers.
 */
final class CoordinatorFixture implements AutoCloseable {
    static final int TIMEOUT_MS = 60_000;
    static final TransactionConfig CONFIG = new TransactionConfig(900_000, 3_600_000, 1_000, 10_000);

    final ManualTime time = new ManualTime();
    final InMemoryCoordinatorLog log = new InMemoryCoordinatorLog();
    final FakeMarkerWriter markers = new FakeMarkerWriter();
    final AtomicLong nextProducerId = new AtomicLong(1000);
    final TransactionCoordinator coordinator = new TransactionCoordinator(CONFIG, 1, 1, log,
            () -> CompletableFuture.completedFuture(nextProducerId.getAndIncrement()), markers, group -> 7, time);

    /** Elects this broker for the partition in {@code epoch} and waits until it is loaded. */
    void elect(int epoch) {
        coordinator.onElection(0, epoch);
        await().until(() -> coordinator.describeTransaction("probe").get().errorCode()
                == Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
    }

    InitProducerIdResponseData init(String id) {
        return init(id, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
    }

    InitProducerIdResponseData init(String id, long expectedProducerId, short expectedEpoch) {
        return get(coordinator.initProducerId(new InitProducerIdRequestData().setTransactionalId(id)
                .setTransactionTimeoutMs(TIMEOUT_MS).setProducerId(expectedProducerId).setProducerEpoch(expectedEpoch)));
    }

    /** AddPartitionsToTxn v3 (a producer) of partitions "topic-partition"; the errors by partition name. */
    Map<String, Errors> add(String id, long producerId, short epoch, String... partitions) {
        AddPartitionsToTxnResponseData response = get(coordinator.addPartitionsToTxn(new AddPartitionsToTxnRequestData()
                .setV3AndBelowTransactionalId(id).setV3AndBelowProducerId(producerId).setV3AndBelowProducerEpoch(epoch)
                .setV3AndBelowTopics(topics(partitions)), (short) 3));
        return byName(AddPartitionsToTxnResponse.errorsForTransaction(response.resultsByTopicV3AndBelow()));
    }

    /** AddPartitionsToTxn v5 (a broker) of one transaction; the errors by partition name. */
    Map<String, Errors> brokerAdd(String id, long producerId, short epoch, boolean verifyOnly, String... partitions) {
        AddPartitionsToTxnTransactionCollection transactions = new AddPartitionsToTxnTransactionCollection();
        transactions.add(new AddPartitionsToTxnTransaction().setTransactionalId(id).setProducerId(producerId)
                .setProducerEpoch(epoch).setVerifyOnly(verifyOnly).setTopics(topics(partitions)));
        AddPartitionsToTxnResponseData response = get(coordinator.addPartitionsToTxn(
                new AddPartitionsToTxnRequestData().setTransactions(transactions), (short) 5));
        return byName(AddPartitionsToTxnResponse.errorsForTransaction(
                response.resultsByTransaction().find(id).topicResults()));
    }

    EndTxnResponseData end(String id, long producerId, short epoch, boolean commit, int version) {
        return get(coordinator.endTxn(new EndTxnRequestData().setTransactionalId(id).setProducerId(producerId)
                .setProducerEpoch(epoch).setCommitted(commit), (short) version));
    }

    DescribeTransactionsResponseData.TransactionState describe(String id) {
        return get(coordinator.describeTransaction(id));
    }

    String state(String id) {
        return describe(id).transactionState();
    }

    static <T> T get(CompletableFuture<T> future) {
        try {
            return future.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static AddPartitionsToTxnTopicCollection topics(String... partitions) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (String p : partitions) {
            int dash = p.lastIndexOf('-');
            byTopic.computeIfAbsent(p.substring(0, dash), t -> new ArrayList<>())
                    .add(Integer.parseInt(p.substring(dash + 1)));
        }
        AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
        byTopic.forEach((t, ps) -> topics.add(new AddPartitionsToTxnTopic().setName(t).setPartitions(ps)));
        return topics;
    }

    private static Map<String, Errors> byName(Map<org.apache.kafka.common.TopicPartition, Errors> errors) {
        Map<String, Errors> named = new TreeMap<>();
        errors.forEach((tp, e) -> named.put(tp.toString(), e));
        return named;
    }

    @Override
    public void close() {
        coordinator.close();
    }
}
