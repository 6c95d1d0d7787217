package io.runnel.broker.txn;

import io.runnel.metadata.MetadataImage;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionVerifierTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private final AtomicReference<MetadataImage> image = new AtomicReference<>(
            TxnTestImages.withLeaders(Map.of(Topic.TRANSACTION_STATE_TOPIC_NAME, 1)));
    private final Queue<Errors> answers = new ConcurrentLinkedQueue<>();
    private final Queue<AddPartitionsToTxnRequestData> requests = new ConcurrentLinkedQueue<>();
    /** Stands still unless a test advances it: the 100 ms retry budget is the test's to spend. */
    private final ManualTime time = new ManualTime();
    private final InterBrokerSender sender = new InterBrokerSender("test", 1, id -> Optional.empty(), 1_000);
    private final TransactionVerifier verifier = new TransactionVerifier(1, image::get, id -> 0, (request, version) -> {
        requests.add(request);
        Errors error = answers.poll();
        time.advance(30); // each answer takes a while
        AddPartitionsToTxnResultCollection results = new AddPartitionsToTxnResultCollection();
        results.add(AddPartitionsToTxnResponse.resultForTransaction("id", error == null ? Map.of() : Map.of(TP, error)));
        return CompletableFuture.completedFuture(new AddPartitionsToTxnResponseData().setResultsByTransaction(results));
    }, sender, time);

    @AfterEach
    void close() {
        sender.close();
    }

    @Test
    void requestVersionsChooseTheOperationAsKafkaDoes() {
        assertThat(List.of(VerificationMode.forProduce((short) 10), VerificationMode.forProduce((short) 11),
                VerificationMode.forProduce((short) 12), VerificationMode.forTxnOffsetCommit((short) 3),
                VerificationMode.forTxnOffsetCommit((short) 4), VerificationMode.forTxnOffsetCommit((short) 5)))
                .containsExactly(VerificationMode.DEFAULT_ERROR, VerificationMode.GENERIC_ERROR, VerificationMode.ADD_PARTITION,
                        VerificationMode.DEFAULT_ERROR, VerificationMode.GENERIC_ERROR, VerificationMode.ADD_PARTITION);
    }

    @Test
    void onlyTransactionVersionTwoAddsThePartition() throws Exception {
        assertThat(verify(VerificationMode.GENERIC_ERROR)).isEmpty();
        assertThat(verify(VerificationMode.ADD_PARTITION)).isEmpty();
        assertThat(requests).extracting(r -> r.transactions().iterator().next().verifyOnly()).containsExactly(true, false);
    }

    @Test
    void coordinatorErrorsBecomeTheErrorsProducersExpect() throws Exception {
        assertThat(answer(Errors.PRODUCER_FENCED, VerificationMode.ADD_PARTITION)).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(answer(Errors.TRANSACTION_ABORTABLE, VerificationMode.DEFAULT_ERROR)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(answer(Errors.TRANSACTION_ABORTABLE, VerificationMode.GENERIC_ERROR)).isEqualTo(Errors.TRANSACTION_ABORTABLE);
        assertThat(answer(Errors.INVALID_TXN_STATE, VerificationMode.GENERIC_ERROR)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(answer(Errors.NOT_COORDINATOR, VerificationMode.GENERIC_ERROR)).isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
        assertThat(answer(Errors.CONCURRENT_TRANSACTIONS, VerificationMode.GENERIC_ERROR)).isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
    }

    @Test
    void addingRetriesConcurrentTransactionsForAtMostOneHundredMilliseconds() throws Exception {
        answers.add(Errors.CONCURRENT_TRANSACTIONS);
        answers.add(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(verify(VerificationMode.ADD_PARTITION)).isEmpty();
        assertThat(requests).hasSize(3);
        requests.clear();
        for (int i = 0; i < 10; i++) {
            answers.add(Errors.CONCURRENT_TRANSACTIONS);
        }
        assertThat(verify(VerificationMode.ADD_PARTITION)).containsEntry(TP, Errors.NOT_ENOUGH_REPLICAS);
        assertThat(requests).as("asked at 0, 30 and 60 ms; at 90 ms a 20 ms backoff would pass the budget").hasSize(3);
    }

    @Test
    void aCoordinatorThatCannotBeReachedIsRetriedByTheProducer() throws Exception {
        image.set(TxnTestImages.withLeaders(Map.of(Topic.TRANSACTION_STATE_TOPIC_NAME, 2)));
        assertThat(verify(VerificationMode.GENERIC_ERROR)).containsEntry(TP, Errors.NOT_ENOUGH_REPLICAS);
        image.set(TxnTestImages.withLeaders(Map.of()));
        assertThat(verify(VerificationMode.GENERIC_ERROR)).containsEntry(TP, Errors.NOT_ENOUGH_REPLICAS);
        assertThat(requests).isEmpty();
    }

    private Errors answer(Errors coordinatorError, VerificationMode mode) throws Exception {
        answers.clear();
        for (int i = 0; i < 20; i++) {
            answers.add(coordinatorError); // enough for the CONCURRENT_TRANSACTIONS retries
        }
        return verify(mode).get(TP);
    }

    private Map<TopicPartition, Errors> verify(VerificationMode mode) throws Exception {
        return verifier.verify("id", 7, (short) 1, List.of(TP), mode).get(5, TimeUnit.SECONDS);
    }
}
