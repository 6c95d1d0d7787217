package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.RawKafkaClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static io.runnel.it.TransactionClients.consume;
import static io.runnel.it.TransactionClients.createTopics;
import static io.runnel.it.TransactionClients.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Kafka 4.4's transactional producer (transaction version 2, as the broker finalizes it) and
 * read_committed consumers against one in-process broker: commits and aborts, offsets in
 * transactions, fencing, timeouts, a transaction version 1 client and bad input. Kafka's tools are
 * the subject of TransactionsToolsIT and TransactionalCopierIT, three nodes TransactionsClusterIT's.
 */
class TransactionsIT {
    private static final int MAX_TIMEOUT_MS = 60_000;
    private static InProcessBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = InProcessBroker.start(Map.of(
                "transaction.max.timeout.ms", String.valueOf(MAX_TIMEOUT_MS),
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500",
                "transaction.state.log.num.partitions", "5",
                "offsets.topic.num.partitions", "5"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void readCommittedSeesOnlyCommittedTransactionsAcrossTopics() throws Exception {
        createTopics(broker.bootstrap(), "txn-a", 2, "txn-b", 1);
        try (KafkaProducer<String, String> producer = producer(broker.bootstrap(), "commit-abort", Map.of())) {
            producer.initTransactions();
            producer.beginTransaction();
            sendToAll(producer, "committed");
            producer.commitTransaction();
            producer.beginTransaction();
            sendToAll(producer, "aborted");
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            sendToAll(producer, "last");
            producer.commitTransaction();
        }
        List<String> committed = consume(broker.bootstrap(), "read_committed", List.of("txn-a", "txn-b"), 6);
        assertThat(committed).containsExactlyInAnyOrder("committed-txn-a-0", "committed-txn-a-1", "committed-txn-b-0",
                "last-txn-a-0", "last-txn-a-1", "last-txn-b-0");
        List<String> uncommitted = consume(broker.bootstrap(), "read_uncommitted", List.of("txn-a", "txn-b"), 9);
        assertThat(uncommitted).hasSize(9).contains("aborted-txn-a-0", "aborted-txn-a-1", "aborted-txn-b-0");
        try (Admin admin = broker.admin()) {
            TopicPartition tp = new TopicPartition("txn-b", 0);
            assertThat(admin.describeProducers(List.of(tp)).all().get().get(tp).activeProducers())
                    .as("transaction version 2 bumps the epoch at every commit and abort (the third marker's is 3)")
                    .anyMatch(p -> p.producerEpoch() == 3);
        }
    }

    @Test
    void offsetsSentToATransactionAreVisibleOnlyAfterItCommits() throws Exception {
        createTopics(broker.bootstrap(), "txn-offsets", 1);
        TopicPartition tp = new TopicPartition("txn-offsets", 0);
        try (KafkaProducer<String, String> producer = producer(broker.bootstrap(), "offsets", Map.of());
             Admin admin = broker.admin()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("txn-offsets", 0, "k", "v"));
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(42)), new ConsumerGroupMetadata("txn-group"));
            producer.flush();
            assertThat(admin.listConsumerGroupOffsets("txn-group").partitionsToOffsetAndMetadata().get())
                    .as("pending transactional offsets are not visible").doesNotContainKey(tp);
            producer.commitTransaction();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(admin.listConsumerGroupOffsets("txn-group").partitionsToOffsetAndMetadata().get().get(tp))
                            .isEqualTo(new OffsetAndMetadata(42)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void aGroupMemberCommitsItsOffsetsInTheTransaction(String groupProtocol) throws Exception {
        String input = "rpw-in-" + groupProtocol;
        String group = "rpw-" + groupProtocol;
        createTopics(broker.bootstrap(), input, 1, "rpw-out-" + groupProtocol, 1);
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                plain.send(new ProducerRecord<>(input, 0, "k", "in-" + i));
            }
        }
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, groupProtocol);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        TopicPartition tp = new TopicPartition(input, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer());
             KafkaProducer<String, String> producer = producer(broker.bootstrap(), "rpw-" + groupProtocol, Map.of());
             Admin admin = broker.admin()) {
            consumer.subscribe(List.of(input));
            producer.initTransactions();
            List<ConsumerRecord<String, String>> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return read.size() >= 10;
            });
            producer.beginTransaction();
            read.forEach(r -> producer.send(new ProducerRecord<>("rpw-out-" + groupProtocol, 0, r.key(), r.value())));
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(10)), consumer.groupMetadata());
            producer.commitTransaction();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get().get(tp)).isEqualTo(new OffsetAndMetadata(10)));
        }
        assertThat(consume(broker.bootstrap(), "read_committed", List.of("rpw-out-" + groupProtocol), 10)).hasSize(10);
    }

    @Test
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirst() throws Exception {
        createTopics(broker.bootstrap(), "txn-zombie", 1);
        try (KafkaProducer<String, String> zombie = producer(broker.bootstrap(), "zombie", Map.of());
             KafkaProducer<String, String> successor = producer(broker.bootstrap(), "zombie", Map.of())) {
            zombie.initTransactions();
            successor.initTransactions();
            Throwable fenced = catchThrowable(() -> {
                zombie.beginTransaction();
                zombie.send(new ProducerRecord<>("txn-zombie", 0, "k", "zombie")).get();
                zombie.commitTransaction();
            });
            assertThat(causes(fenced)).as("the zombie's failure").anyMatch(t -> t instanceof ProducerFencedException
                    || t instanceof InvalidProducerEpochException);
            if (causes(fenced).noneMatch(t -> t instanceof ProducerFencedException)) {
                assertThatThrownBy(zombie::abortTransaction).isInstanceOf(ProducerFencedException.class);
            }
            successor.beginTransaction();
            successor.send(new ProducerRecord<>("txn-zombie", 0, "k", "successor"));
            successor.commitTransaction();
        }
        assertThat(consume(broker.bootstrap(), "read_committed", List.of("txn-zombie"), 1)).containsExactly("successor");
    }

    @Test
    void aTransactionLeftOpenIsAbortedAfterItsTimeoutAndReadCommittedMovesOn() throws Exception {
        createTopics(broker.bootstrap(), "txn-timeout", 1);
        try (KafkaProducer<String, String> stuck = producer(broker.bootstrap(), "stuck",
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "2000"));
             KafkaProducer<String, String> healthy = producer(broker.bootstrap(), "healthy", Map.of())) {
            stuck.initTransactions();
            stuck.beginTransaction();
            stuck.send(new ProducerRecord<>("txn-timeout", 0, "k", "never-committed")).get();
            try (Admin admin = broker.admin()) {
                assertThat(admin.describeProducers(List.of(new TopicPartition("txn-timeout", 0))).all().get()
                        .get(new TopicPartition("txn-timeout", 0)).activeProducers())
                        .as("DescribeProducers reports the open transaction")
                        .anyMatch(p -> p.currentTransactionStartOffset().isPresent());
            }
            healthy.initTransactions();
            healthy.beginTransaction();
            healthy.send(new ProducerRecord<>("txn-timeout", 0, "k", "committed-after")).get();
            healthy.commitTransaction();
            // The open transaction holds the last stable offset until the coordinator aborts it.
            assertThat(consume(broker.bootstrap(), "read_committed", List.of("txn-timeout"), 1))
                    .containsExactly("committed-after");
        }
    }

    @Test
    void aTransactionVersionOneClientMustAddItsPartitionsBeforeWritingToThem() throws Exception {
        createTopics(broker.bootstrap(), "txn-v1", 1);
        String id = "version-one";
        try (RawKafkaClient client = coordinatorClient(id)) {
            InitProducerIdResponse init = (InitProducerIdResponse) client.send(new InitProducerIdRequest.Builder(
                    new InitProducerIdRequestData().setTransactionalId(id).setTransactionTimeoutMs(30_000)), (short) 4);
            long producerId = init.data().producerId();
            short epoch = init.data().producerEpoch();
            assertThat(produceV11(client, id, producerId, epoch)).as("not added to the transaction")
                    .isIn(Errors.INVALID_TXN_STATE, Errors.TRANSACTION_ABORTABLE);
            AddPartitionsToTxnResponse added = (AddPartitionsToTxnResponse) client.send(AddPartitionsToTxnRequest.Builder
                    .forClient(id, producerId, epoch, List.of(new TopicPartition("txn-v1", 0))), (short) 3);
            assertThat(added.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID).values()).containsOnly(Errors.NONE);
            assertThat(produceV11(client, id, producerId, epoch)).isEqualTo(Errors.NONE);
            EndTxnResponse end = (EndTxnResponse) client.send(new EndTxnRequest.Builder(new EndTxnRequestData()
                    .setTransactionalId(id).setProducerId(producerId).setProducerEpoch(epoch).setCommitted(true), false),
                    (short) 3);
            assertThat(end.error()).isEqualTo(Errors.NONE);
        }
        assertThat(consume(broker.bootstrap(), "read_committed", List.of("txn-v1"), 1)).containsExactly("v1-record");
    }

    /** A transactional Produce v11 (transaction version 1) of one record with sequence 0. */
    private static Errors produceV11(RawKafkaClient client, String transactionalId, long producerId, short epoch) {
        MemoryRecords records = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, 0,
                new SimpleRecord("v1-record".getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5000)
                .setTransactionalId(transactionalId);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName("txn-v1").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        ProduceResponseData response = (ProduceResponseData) client.send(ApiKeys.PRODUCE, (short) 11, data);
        return Errors.forCode(response.responses().iterator().next().partitionResponses().get(0).errorCode());
    }

    @Test
    void badInputGetsKafkasErrorCodes() throws Exception {
        try (Admin admin = broker.admin()) {
            assertThatThrownBy(() -> admin.describeTransactions(List.of("no-such-id")).all().get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TransactionalIdNotFoundException.class);
        }
        try (KafkaProducer<String, String> producer = producer(broker.bootstrap(), "too-long",
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(MAX_TIMEOUT_MS + 1)))) {
            // INVALID_TRANSACTION_TIMEOUT: kafka-clients reports it as an unexpected error with the code's message.
            assertThatThrownBy(producer::initTransactions).isInstanceOf(KafkaException.class)
                    .hasMessageContaining(Errors.INVALID_TRANSACTION_TIMEOUT.message());
        }
        String id = "end-without-begin";
        try (RawKafkaClient client = coordinatorClient(id)) {
            InitProducerIdResponse init = (InitProducerIdResponse) client.send(new InitProducerIdRequest.Builder(
                    new InitProducerIdRequestData().setTransactionalId(id).setTransactionTimeoutMs(10_000)));
            assertThat(init.error()).isEqualTo(Errors.NONE);
            EndTxnResponse end = (EndTxnResponse) client.send(new EndTxnRequest.Builder(new EndTxnRequestData()
                    .setTransactionalId(id).setProducerId(init.data().producerId())
                    .setProducerEpoch(init.data().producerEpoch()).setCommitted(true), false), (short) 4);
            assertThat(end.error()).as("EndTxn without a transaction").isEqualTo(Errors.INVALID_TXN_STATE);
        }
    }

    private static void sendToAll(KafkaProducer<String, String> producer, String prefix) {
        producer.send(new ProducerRecord<>("txn-a", 0, "k", prefix + "-txn-a-0"));
        producer.send(new ProducerRecord<>("txn-a", 1, "k", prefix + "-txn-a-1"));
        producer.send(new ProducerRecord<>("txn-b", 0, "k", prefix + "-txn-b-0"));
    }

    private static java.util.stream.Stream<Throwable> causes(Throwable t) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = t; c != null && !chain.contains(c); c = c.getCause()) {
            chain.add(c);
        }
        return chain.stream();
    }

    /** A raw connection to the transactional id's coordinator (the broker creates the topic on the first look-up). */
    private static RawKafkaClient coordinatorClient(String transactionalId) {
        RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.spec().port());
        await().atMost(Duration.ofSeconds(15)).until(() -> ((FindCoordinatorResponse) client.send(
                new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                        .setKeyType(FindCoordinatorRequest.CoordinatorType.TRANSACTION.id())
                        .setCoordinatorKeys(List.of(transactionalId))))).data().coordinators().get(0).errorCode()
                == Errors.NONE.code());
        return client;
    }
}
