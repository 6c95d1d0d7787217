package io.runnel.it;

import io.runnel.it.harness.ClusterProcess;
import io.runnel.it.harness.SharedCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.runnel.it.TransactionClients.consume;
import static io.runnel.it.TransactionClients.producer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Transactions on three node processes whose {@code __transaction_state} has three replicas (two
 * in sync at least): a commit and an abort with transactional offsets, and a transaction committed
 * just before its coordinator is killed. Every test leaves the three nodes running.
 */
class TransactionsClusterIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(3, Map.of(
            "transaction.state.log.replication.factor", "3",
            "transaction.state.log.min.isr", "2",
            "transaction.state.log.num.partitions", "3",
            "offsets.topic.num.partitions", "3"));
    private int victim = -1;

    @AfterEach
    void restartTheVictim() {
        if (victim >= 0) {
            CLUSTER.get().node(victim).restart();
        }
    }

    @Test
    void commitsAndAbortsWithAReplicatedTransactionLog() throws Exception {
        ClusterProcess cluster = CLUSTER.get();
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic("cluster-txn", 3, (short) 3))).all().get();
        }
        TopicPartition consumed = new TopicPartition("cluster-txn", 0);
        try (KafkaProducer<String, String> producer = producer(cluster.bootstrap(), "cluster", Map.of())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int p = 0; p < 3; p++) {
                producer.send(new ProducerRecord<>("cluster-txn", p, "k", "committed-" + p));
            }
            producer.sendOffsetsToTransaction(Map.of(consumed, new OffsetAndMetadata(7)),
                    new ConsumerGroupMetadata("cluster-group"));
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
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(admin.listConsumerGroupOffsets(
                    "cluster-group").partitionsToOffsetAndMetadata().get().get(consumed)).isEqualTo(new OffsetAndMetadata(7)));
            TopicDescription state = admin.describeTopics(List.of(Topic.TRANSACTION_STATE_TOPIC_NAME))
                    .allTopicNames().get().get(Topic.TRANSACTION_STATE_TOPIC_NAME);
            state.partitions().forEach(p -> assertThat(p.replicas()).hasSize(3));
        }
    }

    @Test
    void aTransactionCommittedJustBeforeItsCoordinatorIsKilledCompletesAndTheProducerCarriesOn() throws Exception {
        ClusterProcess cluster = CLUSTER.get();
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic("coordinator-kill", 3, (short) 3))).all().get();
        }
        try (KafkaProducer<String, String> producer = producer(cluster.bootstrap(), "survivor",
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000"))) {
            producer.initTransactions();
            int coordinator;
            try (Admin admin = cluster.admin()) {
                coordinator = admin.describeTransactions(List.of("survivor")).description("survivor").get()
                        .coordinatorId();
            }
            producer.beginTransaction();
            for (int p = 0; p < 3; p++) {
                producer.send(new ProducerRecord<>("coordinator-kill", p, "k", "first-" + p));
            }
            producer.commitTransaction();
            cluster.node(coordinator).kill9(); // markers may still be on their way
            victim = coordinator;
            producer.beginTransaction();
            for (int p = 0; p < 3; p++) {
                producer.send(new ProducerRecord<>("coordinator-kill", p, "k", "second-" + p));
            }
            producer.commitTransaction();
        }
        assertThat(consume(cluster.bootstrap(), "read_committed", List.of("coordinator-kill"), 6))
                .containsExactlyInAnyOrder("first-0", "first-1", "first-2", "second-0", "second-1", "second-2");
    }
}
