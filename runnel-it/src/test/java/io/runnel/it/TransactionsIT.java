package io.runnel.it;

import io.runnel.it.harness.ClusterProcess;
import io.runnel.it.harness.InProcessBroker;
import io.runnel.it.harness.RawKafkaClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
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
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.protocol.Errors;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Kafka 4.4's transactional producer (transaction version 2, as the broker finalizes it) and
 * read_committed consumers against one in-process broker, plus a commit and an abort on a
 * three-node cluster whose {@code __transaction_state} has three replicas.
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

    @Test
    void threeNodeClusterCommitsAndAbortsWithAReplicatedTransactionLog() throws Exception {
        try (ClusterProcess cluster = ClusterProcess.start(3, Map.of(
                "transaction.state.log.replication.factor", "3",
                "transaction.state.log.min.isr", "2",
                "transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3"))) {
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic("cluster-txn", 3, (short) 3))).all().get();
            }
            try (KafkaProducer<String, String> producer = producer(cluster.bootstrap(), "cluster", Map.of())) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int p = 0; p < 3; p++) {
                    producer.send(new ProducerRecord<>("cluster-txn", p, "k", "committed-" + p));
                }
                producer.commitTransaction();
                producer.beginTransaction();
                for (int p = 0; p < 3; p++) {
                    producer.send(new ProducerRecord<>("cluster-txn", p, "k", "aborted-" + p));
                }
                producer.flush();
                producer.abortTransaction();
            }
            assertThat(consume(cluster.bootstrap(), "read_committed", List.of("cluster-txn"), 3))
                    .containsExactlyInAnyOrder("committed-0", "committed-1", "committed-2");
            try (Admin admin = cluster.admin()) {
                TopicDescription state = admin.describeTopics(List.of(Topic.TRANSACTION_STATE_TOPIC_NAME))
                        .allTopicNames().get().get(Topic.TRANSACTION_STATE_TOPIC_NAME);
                state.partitions().forEach(p -> assertThat(p.replicas()).hasSize(3));
            }
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

    private static void createTopics(String bootstrap, Object... namesAndPartitions) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (int i = 0; i < namesAndPartitions.length; i += 2) {
            topics.add(new NewTopic((String) namesAndPartitions[i], (Integer) namesAndPartitions[i + 1], (short) 1));
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(topics).all().get();
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap, String transactionalId,
                                                          Map<String, String> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        config.putAll(overrides);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** Values of the first {@code expected} records the consumer sees, failing if more arrive soon after. */
    private static List<String> consume(String bootstrap, String isolation, List<String> topics, int expected) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return values.size() >= expected;
            });
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                values.add(r.value());
            }
        }
        return values;
    }
}
