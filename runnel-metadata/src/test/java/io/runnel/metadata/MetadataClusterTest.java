package io.runnel.metadata;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Three voters in one JVM: replication of records to every image, and controller failover. */
class MetadataClusterTest {
    @TempDir
    Path dir;

    private final Map<Integer, MetadataQuorum> nodes = new HashMap<>();
    private final Map<Integer, QuorumSettings> settings = new HashMap<>();

    @AfterEach
    void closeAll() {
        nodes.values().forEach(MetadataQuorum::close);
    }

    private void startCluster() {
        startCluster(10_000);
    }

    private void startCluster(long snapshotThreshold) {
        Map<Integer, InetSocketAddress> voters = new HashMap<>();
        for (int id = 1; id <= 3; id++) {
            voters.put(id, new InetSocketAddress("127.0.0.1", QuorumFixture.freePort()));
        }
        List<CompletableFuture<MetadataQuorum>> starts = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Path home = dir.resolve("node" + id);
            QuorumSettings node = new QuorumSettings(id, voters, home.resolve("meta"), List.of(home.resolve("logs")),
                    1, (short) 3, Map.of(), 9000);
            settings.put(id, node);
            starts.add(CompletableFuture.supplyAsync(() -> MetadataQuorum.start(node, Time.SYSTEM, QuorumFixture.tuning(snapshotThreshold))));
        }
        for (int id = 1; id <= 3; id++) {
            nodes.put(id, starts.get(id - 1).join());
        }
    }

    private int awaitAgreedLeader(List<Integer> alive) {
        await().atMost(15, TimeUnit.SECONDS).until(() -> {
            int leader = nodes.get(alive.get(0)).activeControllerId();
            return leader != -1 && alive.contains(leader)
                    && alive.stream().allMatch(id -> nodes.get(id).activeControllerId() == leader);
        });
        return nodes.get(alive.get(0)).activeControllerId();
    }

    private static CreateTopicsRequestData createTopic(String name) {
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(3)
                .setReplicationFactor((short) -1));
        return request;
    }

    /** Retries while the new leader's controller is not yet active (NotControllerException). */
    private static CreateTopicsResponseData createOn(MetadataQuorum leader, String name) {
        return await().atMost(10, TimeUnit.SECONDS).ignoreExceptionsInstanceOf(java.util.concurrent.ExecutionException.class)
                .until(() -> leader.controller().createTopics(createTopic(name)).get(5, TimeUnit.SECONDS), r -> true);
    }

    @Test
    void recordsReachEveryVoterAndTheControllerFailsOver() throws Exception {
        startCluster();
        int leader = awaitAgreedLeader(List.of(1, 2, 3));
        assertThat(nodes.values()).extracting(q -> q.image().clusterId()).containsOnly(nodes.get(1).image().clusterId());

        for (int id = 1; id <= 3; id++) {
            BrokerRegistration broker = MetadataQuorumTest.broker(id);
            await().atMost(10, TimeUnit.SECONDS).ignoreExceptions()
                    .untilAsserted(() -> MetadataQuorumTest.registerUnfenced(nodes.get(leader), broker));
        }
        CreateTopicsResponseData created = createOn(nodes.get(leader), "replicated");
        assertThat(created.topics().find("replicated").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(created.topics().find("replicated").replicationFactor()).isEqualTo((short) 3);
        await().atMost(10, TimeUnit.SECONDS).until(() -> nodes.values().stream()
                .allMatch(q -> q.image().topicsByName().containsKey("replicated")));
        assertThat(nodes.values()).extracting(q -> q.image().topicsByName().get("replicated"))
                .containsOnly(nodes.get(leader).image().topicsByName().get("replicated"));

        int follower = leader == 1 ? 2 : 1;
        assertThatThrownBy(() -> nodes.get(follower).controller().createTopics(createTopic("x")).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotControllerException.class);

        nodes.remove(leader).close();
        List<Integer> alive = new ArrayList<>(nodes.keySet());
        int newLeader = awaitAgreedLeader(alive);
        assertThat(newLeader).isNotEqualTo(leader);
        CreateTopicsResponseData after = createOn(nodes.get(newLeader), "after-failover");
        assertThat(after.topics().find("after-failover").errorCode()).isEqualTo(Errors.NONE.code());
        await().atMost(10, TimeUnit.SECONDS).until(() -> nodes.values().stream()
                .allMatch(q -> q.image().topicsByName().containsKey("after-failover")));
    }

    @Test
    void aFollowerThatFellBehindTheLogCatchesUpFromASnapshot() throws Exception {
        startCluster(5);
        int leader = awaitAgreedLeader(List.of(1, 2, 3));
        int follower = leader == 3 ? 2 : 3;
        nodes.remove(follower).close();

        Controller controller = nodes.get(leader).controller();
        for (int i = 0; i < 30; i++) {
            controller.allocateProducerIds(leader, 10).get(5, TimeUnit.SECONDS);
        }
        long expected = nodes.get(leader).image().nextProducerId();
        assertThat(expected).isEqualTo(300);

        nodes.put(follower, MetadataQuorum.start(settings.get(follower), Time.SYSTEM, QuorumFixture.tuning(5)));
        await().atMost(15, TimeUnit.SECONDS).until(() -> nodes.get(follower).image().nextProducerId() == expected);
    }
}
