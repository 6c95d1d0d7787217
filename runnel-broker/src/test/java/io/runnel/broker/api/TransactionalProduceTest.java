package io.runnel.broker.api;

import io.runnel.broker.fetch.ReadReplicaSelector;
import io.runnel.broker.purgatory.Purgatory;
import io.runnel.broker.txn.InterBrokerSender;
import io.runnel.broker.txn.TransactionVerifier;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.runnel.broker.api.BrokerOneFixture.LED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * KIP-890 on the produce path of broker 1 ({@link BrokerOneFixture}), with a transaction
 * coordinator that answers what each test queues: which transactional batches wait for it,
 * what they are told when it refuses, and that nothing is appended then.
 */
class TransactionalProduceTest {
    private static final long PID = 100;

    @TempDir
    Path dir;
    private BrokerOneFixture broker;
    private ProduceHandler produce;
    private final Queue<Errors> answers = new ConcurrentLinkedQueue<>();
    private final Queue<AddPartitionsToTxnRequestData> asked = new ConcurrentLinkedQueue<>();
    private volatile CompletableFuture<Void> coordinatorReply = CompletableFuture.completedFuture(null);
    private final Purgatory<TopicPartition> fetches = new Purgatory<>("fetch");
    private final Purgatory<TopicPartition> produces = new Purgatory<>("produce");
    private final InterBrokerSender sender = new InterBrokerSender("test", 1, id -> Optional.empty(), 1_000);

    @BeforeEach
    void start() {
        broker = new BrokerOneFixture(dir, ReadReplicaSelector.NONE);
        TransactionVerifier verifier = new TransactionVerifier(1, TransactionalProduceTest::coordinatorImage, id -> 0,
                (request, version) -> {
                    asked.add(request);
                    Errors error = answers.peek() == null ? Errors.NONE : answers.peek();
                    AddPartitionsToTxnResultCollection results = new AddPartitionsToTxnResultCollection();
                    results.add(AddPartitionsToTxnResponse.resultForTransaction("tx",
                            error == Errors.NONE ? Map.of() : Map.of(LED, error)));
                    return coordinatorReply.thenApply(ignored -> new AddPartitionsToTxnResponseData().setResultsByTransaction(results));
                }, sender, Time.SYSTEM);
        produce = new ProduceHandler(1, broker.replicas, fetches, produces, verifier, true);
    }

    @AfterEach
    void stop() {
        sender.close();
        fetches.close();
        produces.close();
        broker.close();
    }

    @Test
    void theFirstBatchOfATransactionWaitsForTheCoordinatorAndTheRestDoNot() {
        assertThat(send(12, (short) 0, 0)).isEqualTo(Errors.NONE);
        assertThat(asked).hasSize(1);
        assertThat(asked.peek().transactions().iterator().next().verifyOnly()).as("v12 adds the partition").isFalse();
        assertThat(send(12, (short) 0, 1)).isEqualTo(Errors.NONE);
        assertThat(asked).as("the transaction is ongoing here").hasSize(1);
        assertThat(broker.partition(LED).log().hasOngoingTransaction(PID)).isTrue();
    }

    @Test
    void aNewEpochsFirstBatchIsVerifiedEvenBeforeThePreviousTransactionsMarkerArrives() {
        assertThat(send(12, (short) 0, 0)).isEqualTo(Errors.NONE);
        long end = broker.partition(LED).log().logEndOffset();
        answers.add(Errors.CONCURRENT_TRANSACTIONS); // the previous transaction's markers are still being written
        assertThat(send(12, (short) 1, 0)).isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
        assertThat(broker.partition(LED).log().logEndOffset()).as("nothing joined the previous transaction").isEqualTo(end);
    }

    @Test
    void requestsPipelinedBehindAVerificationAppendInRequestOrder() {
        coordinatorReply = new CompletableFuture<>();
        CompletableFuture<ApiMessage> first = produce.handle(BrokerOneFixture.context(ApiKeys.PRODUCE, 12), request(12, (short) 0, 0));
        CompletableFuture<ApiMessage> second = produce.handle(BrokerOneFixture.context(ApiKeys.PRODUCE, 12), request(12, (short) 0, 1));
        assertThat(broker.partition(LED).log().logEndOffset()).as("the second waits behind the first").isZero();
        coordinatorReply.complete(null);
        assertThat(errorOf(BrokerOneFixture.overTheWire(ApiKeys.PRODUCE, first, 12))).isEqualTo(Errors.NONE);
        assertThat(errorOf(BrokerOneFixture.overTheWire(ApiKeys.PRODUCE, second, 12))).isEqualTo(Errors.NONE);
        assertThat(broker.partition(LED).log().logEndOffset()).isEqualTo(2);
        assertThat(asked).as("only the first asked the coordinator").hasSize(1);
    }

    @Test
    void aPartitionOutsideTheTransactionIsRefusedWithTheErrorOfTheRequestVersion() {
        answers.add(Errors.TRANSACTION_ABORTABLE);
        assertThat(send(10, (short) 0, 0)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(send(11, (short) 0, 0)).isEqualTo(Errors.TRANSACTION_ABORTABLE);
        assertThat(asked).extracting(r -> r.transactions().iterator().next().verifyOnly()).containsExactly(true, true);
        assertThat(broker.partition(LED).log().logEndOffset()).isZero();
    }

    private Errors send(int version, short epoch, int baseSequence) {
        return errorOf(BrokerOneFixture.call(produce, request(version, epoch, baseSequence), version));
    }

    private static Errors errorOf(AbstractResponse answer) {
        ProduceResponse response = (ProduceResponse) answer;
        return Errors.forCode(response.data().responses().iterator().next().partitionResponses().get(0).errorCode());
    }

    private static ProduceRequestData request(int version, short epoch, int baseSequence) {
        MemoryRecords records = MemoryRecords.withTransactionalRecords(Compression.NONE, PID, epoch, baseSequence,
                new SimpleRecord(1_000L, null, "v".getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData request = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5_000).setTransactionalId("tx");
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(LED.topic());
        if (version >= 13) {
            topic.setTopicId(BrokerOneFixture.TOPIC_ID);
        }
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(LED.partition()).setRecords(records));
        request.topicData().add(topic);
        return request;
    }

    /** {@code __transaction_state} partition 0 led by this broker, so the verifier calls the coordinator in-process. */
    private static MetadataImage coordinatorImage() {
        Uuid id = Uuid.fromString("AAAAAAAAAAAAAAAAAAAABA");
        TopicImage topic = new TopicImage(Topic.TRANSACTION_STATE_TOPIC_NAME, id, Map.of(0,
                new PartitionRegistration(List.of(1), List.of(1), 1, 1, 1)));
        return new MetadataImage("c", 1, Map.of(1, new BrokerRegistration(1, Uuid.randomUuid(), List.of(), null, false)),
                Map.of(topic.name(), topic), Map.of(id, topic), Map.of(), 0);
    }
}
