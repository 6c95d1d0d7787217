package io.runnel.it;

import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.ClusterNode;
import io.runnel.it.harness.ClusterProcess;
import io.runnel.it.harness.Kcat;
import io.runnel.it.harness.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Three node processes form a cluster that Kafka's Admin, {@code kafka-topics.sh} and kcat use,
 * node-to-node traffic passes through the harness's proxies, and the cluster survives losing its
 * active controller (killed, paused, or cut off through the proxies). Failover of partition
 * leaders is LeaderFailoverIT's and ChaosIT's subject.
 * Every test leaves the cluster with all three nodes ready.
 */
class ClusterIT {
    private static ClusterProcess cluster;
    private static Path workDir;

    @BeforeAll
    static void start() {
        // Short broker sessions: a killed node's registration expires, and its restart registers, sooner.
        cluster = ClusterProcess.start(3, Map.of("broker.session.timeout.ms", "3000", "broker.heartbeat.interval.ms", "500"),
                Map.of(1, Map.of("broker.rack", "rack-a"),
                2, Map.of("broker.rack", "rack-b"), 3, Map.of("broker.rack", "rack-c")));
        workDir = TempDirs.create("runnel-cluster-it-");
    }

    /** Whatever an earlier test did, start from three ready nodes. */
    @BeforeEach
    void ready() {
        cluster.waitForClusterReady();
    }

    @AfterAll
    static void stop() {
        try {
            cluster.close();
        } finally {
            TempDirs.delete(workDir);
        }
    }

    @Test
    void threeNodesFormAClusterThatAdminAndTopicCommandUse() throws Exception {
        try (Admin admin = cluster.admin()) {
            assertThat(admin.describeCluster().nodes().get()).extracting(Node::id, Node::rack).containsExactlyInAnyOrder(
                    tuple(1, "rack-a"), tuple(2, "rack-b"), tuple(3, "rack-c"));
            assertThat(admin.describeCluster().controller().get().id()).isEqualTo(cluster.activeControllerId());

            admin.createTopics(List.of(new NewTopic("replicated", 3, (short) 3))).all().get();
            // As in Kafka, a broker learns of the topic when it replays the controller's records: maybe a moment later.
            TopicDescription topic = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                    admin.describeTopics(List.of("replicated")).allTopicNames().get().get("replicated"), t -> t != null);
            assertThat(topic.partitions()).hasSize(3).allSatisfy(p ->
                    assertThat(p.replicas()).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3));
            assertThat(topic.partitions()).extracting(p -> p.leader().id()).as("leaders spread over the nodes")
                    .containsExactlyInAnyOrder(1, 2, 3);
        }

        ChildJvm.Result described = ChildJvm.run(workDir, Duration.ofSeconds(60), "", "org.apache.kafka.tools.TopicCommand",
                List.of("--bootstrap-server", cluster.bootstrap(), "--describe", "--topic", "replicated"));
        assertThat(described.code()).as(described.err()).isZero();
        assertThat(described.out()).contains("Topic: replicated", "PartitionCount: 3", "ReplicationFactor: 3");
        Pattern partitionLine = Pattern.compile("Partition: (\\d)\\tLeader: (\\d)\\tReplicas: ([\\d,]+)\\tIsr: ([\\d,]+)");
        List<Matcher> partitions = described.lines().stream().map(partitionLine::matcher).filter(Matcher::find).toList();
        assertThat(partitions).as(described.out()).hasSize(3).allSatisfy(m -> {
            assertThat(m.group(3).split(",")).containsExactlyInAnyOrder("1", "2", "3");
            assertThat(m.group(4).split(",")).containsExactlyInAnyOrder("1", "2", "3");
        });
    }

    @Test
    void kcatProducesWithAcksAllAndConsumesAcrossTheCluster() throws Exception {
        String topic = "kcat-cluster";
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                            .allMatch(p -> p.isr().size() == 3));
        }
        String listing = new String(Kcat.run(workDir, List.of("-b", cluster.bootstrap(), "-L"), null), StandardCharsets.UTF_8);
        assertThat(listing).contains("3 brokers:").contains("topic \"" + topic + "\" with 3 partitions:");

        List<String> values = IntStream.range(0, 300).mapToObj(i -> "value-" + i).toList();
        Kcat.run(workDir, List.of("-P", "-b", cluster.bootstrap(), "-t", topic, "-X", "acks=all"),
                (String.join("\n", values) + "\n").getBytes(StandardCharsets.UTF_8));
        // Read through another node than the first bootstrap server: every broker serves the cluster's metadata.
        String consumed = new String(Kcat.run(workDir, List.of("-C", "-b", cluster.node(3).bootstrap(), "-t", topic,
                "-o", "beginning", "-e", "-q"), null), StandardCharsets.UTF_8);
        assertThat(consumed.lines().toList()).containsExactlyInAnyOrderElementsOf(values);
    }

    @Test
    void killingTheActiveControllerElectsAnother() throws Exception {
        int killed = cluster.activeControllerId();
        cluster.node(killed).kill9();
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> cluster.activeControllerId() != killed);
            try (Admin admin = cluster.admin()) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                        createUnlessExists(admin, new NewTopic("after-kill", 2, (short) 2)));
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                    Map<String, TopicDescription> topics = admin.describeTopics(List.of("after-kill")).allTopicNames().get();
                    assertThat(topics.get("after-kill").partitions()).hasSize(2)
                            .allSatisfy(p -> assertThat(p.replicas()).hasSize(2));
                });
            }
        } finally {
            cluster.node(killed).restart();
        }
        cluster.waitForClusterReady();
    }

    @Test
    void aPausedControllerIsReplacedAndFollowsOnceResumed() {
        int paused = cluster.activeControllerId();
        cluster.node(paused).pause();
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> cluster.activeControllerId() != paused);
        } finally {
            cluster.node(paused).resume();
        }
        cluster.waitForClusterReady();
        assertThat(cluster.activeControllerId()).isNotEqualTo(paused);
    }

    @Test
    void aStoppedNodeExitsCleanlyAndRejoinsWhenRestarted() throws Exception {
        ClusterNode node = cluster.node(cluster.activeControllerId() % 3 + 1); // not the active controller
        try {
            assertThat(node.stop()).as("exit code after SIGTERM (128 + 15, as for Kafka)").isEqualTo(143);
            assertThat(node.isRunning()).isFalse();
            assertThat(Files.readString(node.logFile())).as("asked the controller (a follower's forwarded call) to fence it")
                    .contains("Broker " + node.id() + " fenced for shutdown");
        } finally {
            node.restart();
        }
        cluster.waitForClusterReady();
    }

    /**
     * Killed all at once, the nodes come back with the metadata they had, and still talk to each
     * other through their own proxies (a restarted Raft server reads the leader's view of the
     * voters' addresses from its log, but keeps dialing the ones it was started with).
     */
    @Test
    void killingEveryNodeAtOnceKeepsMetadataAndProxies() throws Exception {
        Uuid topicId;
        try (Admin admin = cluster.admin()) {
            createUnlessExists(admin, new NewTopic("survivor", 1, (short) 3));
            topicId = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                    admin.describeTopics(List.of("survivor")).allTopicNames().get().get("survivor").topicId(), id -> id != null);
        }
        cluster.nodes().forEach(ClusterNode::kill9);
        cluster.nodes().forEach(ClusterNode::restart);
        cluster.waitForClusterReady();
        try (Admin admin = cluster.admin()) {
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertThat(
                    admin.describeTopics(List.of("survivor")).allTopicNames().get().get("survivor").topicId()).isEqualTo(topicId));
        }

        cuttingTheActiveControllerOffElectsAnotherAndHealingRejoinsIt();
    }

    /** Creates the topic; a retry after an answer that got lost finds it created. */
    private static void createUnlessExists(Admin admin, NewTopic topic) throws Exception {
        try {
            admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * Replica fetchers of node f will connect to the listener REPLICA_f of the partition leader,
     * which every other node advertises at the proxy from f: a client on that listener (as a
     * fetcher is) is given the proxies' addresses.
     */
    @Test
    void eachNodeReachesTheOthersReplicationListenersThroughItsOwnProxies() throws Exception {
        for (int from = 1; from <= 3; from++) {
            int to = from % 3 + 1;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.link(from, to).replicationProxy(from).address()))) {
                Map<Integer, Integer> ports = admin.describeCluster().nodes().get().stream()
                        .collect(Collectors.toMap(Node::id, Node::port));
                assertThat(ports).containsOnlyKeys(1, 2, 3);
                for (int other = 1; other <= 3; other++) {
                    if (other != from) {
                        assertThat(ports.get(other)).as("node %d as seen by node %d's fetchers", other, from)
                                .isEqualTo(cluster.link(from, other).replicationProxy(from).port());
                    }
                }
            }
        }
    }

    /**
     * The proxies really carry the quorum's traffic: cut off, the active controller loses its
     * followers, which elect another among themselves; healed, it follows the new one. (The
     * cut-off node itself may keep naming itself active controller until it hears from the new
     * one, so clients are not sent to it here.)
     */
    @Test
    void cuttingTheActiveControllerOffElectsAnotherAndHealingRejoinsIt() {
        int isolated = cluster.activeControllerId();
        cluster.isolate(isolated);
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                Set<Integer> controllers = new HashSet<>();
                for (ClusterNode node : cluster.nodes()) {
                    if (node.id() != isolated) {
                        controllers.add(node.describeCluster().controllerId());
                    }
                }
                assertThat(controllers).hasSize(1).doesNotContain(-1, isolated);
            });
        } finally {
            cluster.healAll();
        }

        cluster.waitForClusterReady();
        assertThat(cluster.activeControllerId()).isNotEqualTo(isolated);
        for (ClusterNode node : cluster.nodes()) {
            assertThat(node.describeCluster().brokers()).containsExactlyInAnyOrder(1, 2, 3);
        }
    }
}
