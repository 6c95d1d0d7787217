package io.runnel.metadata;

import org.apache.kafka.common.errors.DuplicateBrokerRegistrationException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Three voters in one JVM on free 127.0.0.1 ports: election, replication of records to every
 * image, controller failover, catching up after a restart (from the log or a snapshot), starting
 * without a majority, and controller calls forwarded from followers to the leader.
 */
class MetadataClusterTest {
    /** Bound on electing a new leader once the old one is gone (election timeouts are 300-600 ms). */
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final Map<Integer, MetadataQuorum> nodes = new HashMap<>();
    private final Map<Integer, QuorumSettings> settings = new HashMap<>();
    private long snapshotThreshold = 10_000;

    @AfterEach
    void closeAll() {
        nodes.values().forEach(MetadataQuorum::close);
    }

    private void configure(long threshold) {
        snapshotThreshold = threshold;
        Map<Integer, InetSocketAddress> voters = new HashMap<>();
        for (int id = 1; id <= 3; id++) {
            voters.put(id, new InetSocketAddress("127.0.0.1", QuorumFixture.freePort()));
        }
        for (int id = 1; id <= 3; id++) {
            Path home = dir.resolve("node" + id);
            settings.put(id, new QuorumSettings(id, voters, home.resolve("meta"), List.of(home.resolve("logs")),
                    1, (short) 3, Map.of(), 9000));
        }
    }

    private MetadataQuorum startNode(int id) {
        MetadataQuorum node = MetadataQuorum.start(settings.get(id), Time.SYSTEM, QuorumFixture.tuning(snapshotThreshold));
        nodes.put(id, node);
        return node;
    }

    private void startCluster(long threshold) {
        configure(threshold);
        List<CompletableFuture<MetadataQuorum>> starts = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            int node = id;
            starts.add(CompletableFuture.supplyAsync(() -> MetadataQuorum.start(settings.get(node), Time.SYSTEM,
                    QuorumFixture.tuning(threshold))));
        }
        for (int id = 1; id <= 3; id++) {
            nodes.put(id, starts.get(id - 1).join());
        }
    }

    /** Waits until every node in {@code alive} names the same leader among them. */
    private int awaitAgreedLeader(List<Integer> alive, Duration bound) {
        await().atMost(bound).until(() -> {
            int leader = nodes.get(alive.get(0)).activeControllerId();
            return alive.contains(leader) && alive.stream().allMatch(id -> nodes.get(id).activeControllerId() == leader);
        });
        return nodes.get(alive.get(0)).activeControllerId();
    }

    private static CreateTopicsRequestData createTopic(String name) {
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(3)
                .setReplicationFactor((short) -1));
        return request;
    }

    /** Creates through the leader, retrying while its controller is not active yet (it replays earlier terms first). */
    private static Errors createOn(MetadataQuorum leader, String name) {
        CreateTopicsResponseData response = await().atMost(10, TimeUnit.SECONDS).ignoreExceptionsInstanceOf(ExecutionException.class)
                .until(() -> leader.controller().createTopics(createTopic(name)).get(5, TimeUnit.SECONDS), r -> true);
        return Errors.forCode(response.topics().find(name).errorCode());
    }

    private void registerBrokers(MetadataQuorum leader) {
        for (int id = 1; id <= 3; id++) {
            BrokerRegistration broker = MetadataQuorumTest.broker(id);
            await().atMost(10, TimeUnit.SECONDS).ignoreExceptions()
                    .untilAsserted(() -> MetadataQuorumTest.registerUnfenced(leader, broker));
        }
    }

    /** A write on a node that cannot reach an active controller: NOT_CONTROLLER once the forwarding bound (5 s) passed. */
    private static Errors writeError(MetadataQuorum node) {
        Throwable failure = catchThrowable(() -> node.controller().createTopics(createTopic("refused")).get(15, TimeUnit.SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotControllerException.class);
        return Errors.forException(failure.getCause());
    }

    /** Creates through {@code node}'s controller in one call (it forwards, retrying within its own bound). */
    private static Errors createThrough(MetadataQuorum node, String name) throws Exception {
        CreateTopicsResponseData response = node.controller().createTopics(createTopic(name)).get(10, TimeUnit.SECONDS);
        return Errors.forCode(response.topics().find(name).errorCode());
    }

    private boolean allHave(String topic) {
        return nodes.values().stream().allMatch(q -> q.image().topicsByName().containsKey(topic));
    }

    @Test
    void electsOneLeaderReplicatesEverywhereAndFailsOverWithoutLosingRecords() throws Exception {
        startCluster(10_000);
        int leader = awaitAgreedLeader(List.of(1, 2, 3), Duration.ofSeconds(15));
        assertThat(nodes.values()).extracting(q -> q.image().clusterId()).containsOnly(nodes.get(1).image().clusterId());

        registerBrokers(nodes.get(leader));
        assertThat(createOn(nodes.get(leader), "before")).isEqualTo(Errors.NONE);
        await().atMost(10, TimeUnit.SECONDS).until(() -> allHave("before"));
        TopicImage before = nodes.get(leader).image().topicsByName().get("before");
        assertThat(before.partitions()).hasSize(3);
        assertThat(nodes.values()).extracting(q -> q.image().topicsByName().get("before")).containsOnly(before);
        nodes.remove(leader).close();
        List<Integer> alive = new ArrayList<>(nodes.keySet());
        int newLeader = awaitAgreedLeader(alive, FAILOVER_BOUND);
        assertThat(newLeader).isNotEqualTo(leader);
        assertThat(nodes.values()).allSatisfy(q -> assertThat(q.image().topicsByName()).containsEntry("before", before));
        // The new controller knows the earlier record, not just the image.
        assertThat(createOn(nodes.get(newLeader), "before")).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(createOn(nodes.get(newLeader), "after")).isEqualTo(Errors.NONE);
        await().atMost(10, TimeUnit.SECONDS).until(() -> allHave("after"));

        MetadataQuorum restarted = startNode(leader);
        await().atMost(15, TimeUnit.SECONDS).until(() -> allHave("before") && allHave("after")
                && restarted.activeControllerId() == newLeader);
        assertThat(restarted.image().topicsByName()).containsEntry("before", before);
        assertThat(createThrough(restarted, "from-restarted")).as("a follower forwards").isEqualTo(Errors.NONE);
    }

    @Test
    void followersForwardControllerCallsToTheLeaderAcrossAFailover() throws Exception {
        startCluster(10_000);
        int leader = awaitAgreedLeader(List.of(1, 2, 3), Duration.ofSeconds(15));
        List<Integer> followers = nodes.keySet().stream().filter(id -> id != leader).toList();
        MetadataQuorum follower = nodes.get(followers.get(0));

        registerBrokers(follower);
        assertThat(nodes.get(leader).image().brokers().values()).allSatisfy(b -> assertThat(b.fenced()).isFalse());
        BrokerRegistration usurper = MetadataQuorumTest.broker(1);
        assertThatThrownBy(() -> follower.controller().registerBroker(usurper, true).get(10, TimeUnit.SECONDS))
                .as("the leader's error comes back as is").hasCauseInstanceOf(DuplicateBrokerRegistrationException.class);
        assertThat(createThrough(follower, "forwarded")).isEqualTo(Errors.NONE);
        await().atMost(10, TimeUnit.SECONDS).until(() -> allHave("forwarded"));
        assertThat(createThrough(follower, "forwarded")).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);

        // A shutdown heartbeat through a follower: its leadership has moved in every image.
        int stopping = follower.image().topicsByName().get("forwarded").partitions().get(0).leader();
        BrokerHeartbeat shutdown = new BrokerHeartbeat(stopping, follower.image().brokers().get(stopping).incarnationId(),
                follower.image().offset(), false, true);
        assertThat(follower.controller().brokerHeartbeat(shutdown).get(10, TimeUnit.SECONDS).shouldShutDown()).isTrue();
        await().atMost(10, TimeUnit.SECONDS).until(() -> nodes.values().stream().allMatch(q -> {
            PartitionRegistration p = q.image().topicsByName().get("forwarded").partitions().get(0);
            return p.leader() >= 0 && p.leader() != stopping && !p.isr().contains(stopping);
        }));
        BrokerRegistration restarted = MetadataQuorumTest.broker(stopping);
        await().atMost(10, TimeUnit.SECONDS).ignoreExceptions()
                .untilAsserted(() -> MetadataQuorumTest.registerUnfenced(follower, restarted));
        long first = follower.controller().allocateProducerIds(7, 100).get(10, TimeUnit.SECONDS);
        assertThat(nodes.get(followers.get(1)).controller().allocateProducerIds(7, 100).get(10, TimeUnit.SECONDS))
                .isEqualTo(first + 100);

        nodes.remove(leader).close();
        // Sent at once: each call waits (within the 5 s forwarding bound) for the election among the other two.
        CreateTopicsResponseData created = await().atMost(FAILOVER_BOUND)
                .ignoreExceptionsInstanceOf(ExecutionException.class)
                .until(() -> follower.controller().createTopics(createTopic("after-failover")).get(10, TimeUnit.SECONDS),
                        r -> true);
        assertThat(created.topics().find("after-failover").errorCode()).isEqualTo(Errors.NONE.code());
        int newLeader = awaitAgreedLeader(followers, FAILOVER_BOUND);
        assertThat(nodes.get(newLeader).image().topicsByName()).containsKeys("forwarded", "after-failover");
    }

    @Test
    void aLeaderThatLostItsMajorityStopsActingAsController() throws Exception {
        startCluster(10_000);
        int leader = awaitAgreedLeader(List.of(1, 2, 3), FAILOVER_BOUND);
        registerBrokers(nodes.get(leader));
        assertThat(createOn(nodes.get(leader), "before")).isEqualTo(Errors.NONE);

        for (int id = 1; id <= 3; id++) {
            if (id != leader) {
                nodes.remove(id).close();
            }
        }
        MetadataQuorum alone = nodes.get(leader);
        await().atMost(FAILOVER_BOUND).until(() -> alone.activeControllerId() == -1);
        assertThat(writeError(alone)).isEqualTo(Errors.NOT_CONTROLLER);
    }

    @Test
    void aVoterStartsWithoutAMajorityAndReplaysItsLogBeforeALeaderExists() {
        startCluster(10_000);
        int leader = awaitAgreedLeader(List.of(1, 2, 3), Duration.ofSeconds(15));
        registerBrokers(nodes.get(leader));
        assertThat(createOn(nodes.get(leader), "kept")).isEqualTo(Errors.NONE);
        await().atMost(10, TimeUnit.SECONDS).until(() -> allHave("kept"));
        TopicImage kept = nodes.get(leader).image().topicsByName().get("kept");
        // A later entry replayed everywhere means every log holds the commit index covering "kept"
        // (Ratis logs it right after the commit, and logs are flushed in order).
        assertThat(createOn(nodes.get(leader), "marker")).isEqualTo(Errors.NONE);
        await().atMost(10, TimeUnit.SECONDS).until(() -> allHave("marker"));
        List<Integer> ids = List.copyOf(nodes.keySet());
        ids.forEach(id -> nodes.remove(id).close());

        MetadataQuorum alone = startNode(1);
        assertThat(alone.activeControllerId()).isEqualTo(-1);
        assertThat(alone.image().topicsByName()).containsEntry("kept", kept);
        assertThat(writeError(alone)).isEqualTo(Errors.NOT_CONTROLLER);

        startNode(2);
        int elected = awaitAgreedLeader(List.of(1, 2), FAILOVER_BOUND);
        assertThat(createOn(nodes.get(elected), "later")).isEqualTo(Errors.NONE);
        await().atMost(10, TimeUnit.SECONDS).until(() -> allHave("later"));
    }

    @Test
    void aFollowerThatFellBehindTheLogCatchesUpFromASnapshot() throws Exception {
        startCluster(5);
        int leader = awaitAgreedLeader(List.of(1, 2, 3), Duration.ofSeconds(15));
        int follower = leader == 3 ? 2 : 3;
        nodes.remove(follower).close();

        Controller controller = nodes.get(leader).controller();
        for (int i = 0; i < 30; i++) {
            await().atMost(10, TimeUnit.SECONDS).ignoreExceptionsInstanceOf(ExecutionException.class)
                    .until(() -> controller.allocateProducerIds(leader, 10).get(5, TimeUnit.SECONDS), r -> true);
        }
        long expected = nodes.get(leader).image().nextProducerId();
        assertThat(expected).isEqualTo(300);

        MetadataQuorum restarted = startNode(follower);
        await().atMost(15, TimeUnit.SECONDS).until(() -> restarted.image().nextProducerId() == expected);
    }
}
