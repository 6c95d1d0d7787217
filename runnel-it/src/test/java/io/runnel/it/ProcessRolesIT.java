package io.runnel.it;

import io.runnel.it.harness.ClusterNode;
import io.runnel.it.harness.ClusterProcess;
import io.runnel.it.harness.NodeRole;
import io.runnel.it.harness.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clusters with node roles other than combined, each test a cluster of its own, its steps in
 * order (each builds on what the last left):
 * <ul>
 *   <li>three controller-only voters (nodes 1-3) and two broker-only nodes (4, 5, Ratis listener
 *       peers): clients see only the brokers, placement uses only them, produce with acks=all and
 *       consume work, the cluster survives a kill -9 of the active controller (topics are still
 *       created through a broker-only node), and a restarted broker-only node catches up on the
 *       metadata it missed and serves again;</li>
 *   <li>three combined nodes and one broker-only node (4): it gets replicas like the others, and
 *       killing it never holds up the quorum (topics are created while it is down); restarted, it
 *       catches up and leads partitions again.</li>
 * </ul>
 */
class ProcessRolesIT {
    private static final Map<String, String> SETTINGS = Map.of("broker.session.timeout.ms", "3000",
            "broker.heartbeat.interval.ms", "500", "offsets.topic.replication.factor", "2");

    @Test
    void brokerOnlyAndControllerOnlyNodesFormAClusterThatSurvivesFailoversAndRestarts() throws Exception {
        Set<Integer> brokers = Set.of(4, 5);
        Set<Integer> controllers = Set.of(1, 2, 3);
        try (ClusterProcess cluster = ClusterProcess.start(List.of(NodeRole.CONTROLLER, NodeRole.CONTROLLER,
                NodeRole.CONTROLLER, NodeRole.BROKER, NodeRole.BROKER), SETTINGS, Map.of())) {
            separateControllersAndBrokers(cluster, brokers, controllers);
        }
    }

    @Test
    void aBrokerOnlyNodeJoinsCombinedNodesWithoutEverHoldingUpTheQuorum() throws Exception {
        Set<Integer> brokers = Set.of(1, 2, 3, 4);
        try (ClusterProcess cluster = ClusterProcess.start(List.of(NodeRole.COMBINED, NodeRole.COMBINED,
                NodeRole.COMBINED, NodeRole.BROKER), SETTINGS, Map.of())) {
            try (Admin admin = cluster.admin()) {
                assertThat(admin.describeCluster().nodes().get()).extracting(Node::id)
                        .containsExactlyInAnyOrderElementsOf(brokers);
                Topics.create(admin, new NewTopic("spread", 4, (short) 2));
                assertPlacedOn(admin, "spread", brokers);
                assertThat(admin.describeTopics(List.of("spread")).allTopicNames().get().get("spread").partitions())
                        .flatExtracting(TopicPartitionInfo::replicas).extracting(Node::id).contains(4);
            }
            produceAndConsume(cluster.bootstrap(), "spread", 4, "spread");

            ClusterNode broker4 = cluster.node(4);
            broker4.kill9();
            try (Admin viaNode1 = admin(cluster.node(1))) {
                // Fenced once its session expires; only then is it left out of placement.
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                        viaNode1.describeCluster().nodes().get().stream().noneMatch(n -> n.id() == 4));
                Topics.create(viaNode1, new NewTopic("while-4-away", 3, (short) 3));
                assertPlacedOn(viaNode1, "while-4-away", Set.of(1, 2, 3));
            }
            broker4.restart();
            cluster.waitForClusterReady();
            try (Admin viaBroker4 = admin(broker4)) {
                assertThat(viaBroker4.listTopics().names().get()).contains("spread", "while-4-away");
                Topics.create(viaBroker4, new NewTopic("after-4-returned", 4, (short) 4));
                assertPlacedOn(viaBroker4, "after-4-returned", brokers);
            }
            produceAndConsume(broker4.bootstrap(), "after-4-returned", 4, "returned");
        }
    }

    private static void separateControllersAndBrokers(ClusterProcess cluster, Set<Integer> brokers,
                                                      Set<Integer> controllers) throws Exception {
        try (Admin admin = cluster.admin()) {
            assertThat(admin.describeCluster().nodes().get()).extracting(Node::id).containsExactlyInAnyOrderElementsOf(brokers);
            assertThat(cluster.activeControllerId()).isIn(controllers);

            Topics.create(admin, new NewTopic("roles", 4, (short) 2));
            assertPlacedOn(admin, "roles", brokers);
        }
        produceAndConsume(cluster.bootstrap(), "roles", 4, "before");

        int killed = cluster.activeControllerId();
        cluster.node(killed).kill9();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> cluster.activeControllerId() != killed);
        assertThat(cluster.activeControllerId()).isIn(controllers);
        try (Admin viaBroker4 = admin(cluster.node(4))) {
            Topics.create(viaBroker4, new NewTopic("after-failover", 2, (short) 2));
            assertPlacedOn(viaBroker4, "after-failover", brokers);
        }
        produceAndConsume(cluster.bootstrap(), "after-failover", 2, "failover");

        ClusterNode broker5 = cluster.node(5);
        broker5.stop();
        try (Admin viaBroker4 = admin(cluster.node(4))) {
            Topics.create(viaBroker4, new NewTopic("while-away", 1, (short) 1));
        }
        broker5.restart();
        cluster.node(killed).restart();
        cluster.waitForClusterReady();
        try (Admin viaBroker5 = admin(broker5)) {
            assertThat(viaBroker5.listTopics().names().get()).contains("roles", "after-failover", "while-away");
            Topics.create(viaBroker5, new NewTopic("after-restart", 2, (short) 2));
            assertPlacedOn(viaBroker5, "after-restart", brokers);
        }
        produceAndConsume(broker5.bootstrap(), "after-restart", 2, "restart");
    }

    private static Admin admin(ClusterNode node) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap()));
    }

    /**
     * Every replica, leader and ISR member is one of {@code brokers}, and the ISR is every
     * replica, as {@code kafka-topics.sh --describe} would show.
     */
    private static void assertPlacedOn(Admin admin, String topic, Set<Integer> brokers) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            for (TopicPartitionInfo partition : description.partitions()) {
                assertThat(partition.replicas()).extracting(Node::id).allMatch(brokers::contains);
                assertThat(partition.leader().id()).isIn(brokers);
                assertThat(partition.isr()).extracting(Node::id)
                        .containsExactlyInAnyOrderElementsOf(partition.replicas().stream().map(Node::id).toList());
            }
        });
    }

    /** Produces 50 records with acks=all (each acknowledged), then reads the topic back from the start. */
    private static void produceAndConsume(String bootstrap, String topic, int partitions, String prefix) throws Exception {
        List<String> sent = IntStream.range(0, 50).mapToObj(i -> prefix + "-" + i).toList();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            List<Future<?>> acks = new ArrayList<>();
            for (String value : sent) {
                acks.add(producer.send(new ProducerRecord<>(topic, value, value)));
            }
            for (Future<?> ack : acks) {
                ack.get();
            }
        }
        List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    received.add(record.value());
                }
                return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(received.stream().collect(Collectors.toSet())).hasSize(sent.size());
    }
}
