package io.runnel.it;

import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.ClusterNode;
import io.runnel.it.harness.Kcat;
import io.runnel.it.harness.SharedCluster;
import io.runnel.it.harness.TempDirs;
import io.runnel.it.harness.Topics;
import io.runnel.metadata.raft.MetaProperties;
import io.runnel.metadata.raft.RaftNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    // Short broker sessions: a killed node's registration expires, and its restart registers, sooner.
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(3,
            Map.of("broker.session.timeout.ms", "3000", "broker.heartbeat.interval.ms", "500"),
            Map.of(1, Map.of("broker.rack", "rack-a"), 2, Map.of("broker.rack", "rack-b"), 3, Map.of("broker.rack", "rack-c")));

    @Test
    void threeNodesFormAClusterThatAdminAndTopicCommandUse() throws Exception {
        try (Admin admin = CLUSTER.get().admin()) {
            assertThat(admin.describeCluster().nodes().get()).extracting(Node::id, Node::rack).containsExactlyInAnyOrder(
                    tuple(1, "rack-a"), tuple(2, "rack-b"), tuple(3, "rack-c"));
            assertThat(admin.describeCluster().controller().get().id()).isEqualTo(CLUSTER.get().activeControllerId());

            admin.createTopics(List.of(new NewTopic("replicated", 3, (short) 3))).all().get();
            // As in Kafka, a broker learns of the topic when it replays the controller's records: maybe a moment later.
            TopicDescription topic = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                    admin.describeTopics(List.of("replicated")).allTopicNames().get().get("replicated"), t -> t != null);
            assertThat(topic.partitions()).hasSize(3).allSatisfy(p ->
                    assertThat(p.replicas()).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3));
            assertThat(topic.partitions()).extracting(p -> p.leader().id()).as("leaders spread over the nodes")
                    .containsExactlyInAnyOrder(1, 2, 3);
        }

        ChildJvm.Result described = ChildJvm.run(CLUSTER.workDir(), Duration.ofSeconds(60), "", "org.apache.kafka.tools.TopicCommand",
                List.of("--bootstrap-server", CLUSTER.get().bootstrap(), "--describe", "--topic", "replicated"));
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
        try (Admin admin = CLUSTER.get().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                            .allMatch(p -> p.isr().size() == 3));
        }
        String listing = new String(Kcat.run(CLUSTER.workDir(), List.of("-b", CLUSTER.get().bootstrap(), "-L"), null), StandardCharsets.UTF_8);
        assertThat(listing).contains("3 brokers:").contains("topic \"" + topic + "\" with 3 partitions:");

        List<String> values = IntStream.range(0, 300).mapToObj(i -> "value-" + i).toList();
        Kcat.run(CLUSTER.workDir(), List.of("-P", "-b", CLUSTER.get().bootstrap(), "-t", topic, "-X", "acks=all"),
                (String.join("\n", values) + "\n").getBytes(StandardCharsets.UTF_8));
        // Read through another node than the first bootstrap server: every broker serves the cluster's metadata.
        String consumed = new String(Kcat.run(CLUSTER.workDir(), List.of("-C", "-b", CLUSTER.get().node(3).bootstrap(), "-t", topic,
                "-o", "beginning", "-e", "-q"), null), StandardCharsets.UTF_8);
        assertThat(consumed.lines().toList()).containsExactlyInAnyOrderElementsOf(values);
    }

    @Test
    void killingTheActiveControllerElectsAnother() throws Exception {
        int killed = CLUSTER.get().activeControllerId();
        CLUSTER.get().node(killed).kill9();
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> CLUSTER.get().activeControllerId() != killed);
            try (Admin admin = CLUSTER.get().admin()) {
                Topics.create(admin, new NewTopic("after-kill", 2, (short) 2));
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                    Map<String, TopicDescription> topics = admin.describeTopics(List.of("after-kill")).allTopicNames().get();
                    assertThat(topics.get("after-kill").partitions()).hasSize(2)
                            .allSatisfy(p -> assertThat(p.replicas()).hasSize(2));
                });
            }
        } finally {
            CLUSTER.get().node(killed).restart();
        }
        CLUSTER.get().waitForClusterReady();
    }

    @Test
    void aPausedControllerIsReplacedAndFollowsOnceResumed() {
        int paused = CLUSTER.get().activeControllerId();
        CLUSTER.get().node(paused).pause();
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> CLUSTER.get().activeControllerId() != paused);
        } finally {
            CLUSTER.get().node(paused).resume();
        }
        CLUSTER.get().waitForClusterReady();
        assertThat(CLUSTER.get().activeControllerId()).isNotEqualTo(paused);
    }

    @Test
    void aStoppedNodeExitsCleanlyAndRejoinsWhenRestarted() throws Exception {
        ClusterNode node = CLUSTER.get().node(CLUSTER.get().activeControllerId() % 3 + 1); // not the active controller
        try {
            assertThat(node.stop()).as("exit code after SIGTERM (128 + 15, as for Kafka)").isEqualTo(143);
            assertThat(node.isRunning()).isFalse();
            assertThat(Files.readString(node.logFile())).as("asked the controller (a follower's forwarded call) to fence it")
                    .contains("Broker " + node.id() + " fenced for shutdown");
        } finally {
            node.restart();
        }
        CLUSTER.get().waitForClusterReady();
    }

    @Test
    void aNodeWhoseDataDirBelongsToAnotherClusterRefusesToStartWithOneLine() throws Exception {
        ClusterNode node = CLUSTER.get().node(CLUSTER.get().activeControllerId() % 3 + 1);
        MetaProperties own = MetaProperties.read(node.dataDir());
        try {
            assertThat(node.stop()).isEqualTo(143);
            // The node's data dir becomes that of a node of another cluster: its meta.properties and
            // its (here: empty) metadata log; the running voters answer for their own cluster only.
            Files.move(node.dataDir().resolve(RaftNode.STORAGE_DIR), CLUSTER.workDir().resolve("own-metadata-log"));
            new MetaProperties(Uuid.randomUuid().toString(), own.nodeId(), own.directoryId()).write(node.dataDir());
            node.restart();
            await().atMost(Duration.ofSeconds(90)).until(node::hasCrashed);
            assertThat(Files.readString(node.logFile()))
                    .contains("runnel: the voters in controller.quorum.voters belong to another cluster");
        } finally {
            if (node.isRunning()) {
                node.stop();
            }
            if (Files.exists(CLUSTER.workDir().resolve("own-metadata-log"))) {
                TempDirs.delete(node.dataDir().resolve(RaftNode.STORAGE_DIR));
                Files.move(CLUSTER.workDir().resolve("own-metadata-log"), node.dataDir().resolve(RaftNode.STORAGE_DIR));
            }
            own.write(node.dataDir());
            node.restart();
        }
        CLUSTER.get().waitForClusterReady();
    }

    /**
     * Killed all at once, the nodes come back with the metadata they had, and still talk to each
     * other through their own proxies (a restarted Raft server reads the leader's view of the
     * voters' addresses from its log, but keeps dialing the ones it was started with).
     */
    @Test
    void killingEveryNodeAtOnceKeepsMetadataAndProxies() throws Exception {
        Uuid topicId;
        try (Admin admin = CLUSTER.get().admin()) {
            Topics.create(admin, new NewTopic("survivor", 1, (short) 3));
            topicId = await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() ->
                    admin.describeTopics(List.of("survivor")).allTopicNames().get().get("survivor").topicId(), id -> id != null);
        }
        CLUSTER.get().nodes().forEach(ClusterNode::kill9);
        CLUSTER.get().nodes().forEach(ClusterNode::restart);
        CLUSTER.get().waitForClusterReady();
        try (Admin admin = CLUSTER.get().admin()) {
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertThat(
                    admin.describeTopics(List.of("survivor")).allTopicNames().get().get("survivor").topicId()).isEqualTo(topicId));
        }

        cuttingTheActiveControllerOffElectsAnotherAndHealingRejoinsIt();
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
                    CLUSTER.get().link(from, to).replicationProxy(from).address()))) {
                Map<Integer, Integer> ports = admin.describeCluster().nodes().get().stream()
                        .collect(Collectors.toMap(Node::id, Node::port));
                assertThat(ports).containsOnlyKeys(1, 2, 3);
                for (int other = 1; other <= 3; other++) {
                    if (other != from) {
                        assertThat(ports.get(other)).as("node %d as seen by node %d's fetchers", other, from)
                                .isEqualTo(CLUSTER.get().link(from, other).replicationProxy(from).port());
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
        int isolated = CLUSTER.get().activeControllerId();
        CLUSTER.get().isolate(isolated);
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                Set<Integer> controllers = new HashSet<>();
                for (ClusterNode node : CLUSTER.get().nodes()) {
                    if (node.id() != isolated) {
                        controllers.add(node.describeCluster().controllerId());
                    }
                }
                assertThat(controllers).hasSize(1).doesNotContain(-1, isolated);
            });
        } finally {
            CLUSTER.get().healAll();
        }

        CLUSTER.get().waitForClusterReady();
        assertThat(CLUSTER.get().activeControllerId()).isNotEqualTo(isolated);
        for (ClusterNode node : CLUSTER.get().nodes()) {
            assertThat(node.describeCluster().brokers()).containsExactlyInAnyOrder(1, 2, 3);
        }
    }
}
