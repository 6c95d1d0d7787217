package io.runnel.metadata;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three voters and two broker-only nodes (Ratis LISTENER peers, nodes 4 and 5, joining at once)
 * in one JVM: the listeners join by themselves without dropping each other, replay every record,
 * forward controller calls, follow a failover, never lead, are not needed for commits, and catch
 * up from a snapshot after a restart.
 */
class MetadataListenerTest {
    private static final int LISTENER = 4;
    private static final int OTHER_LISTENER = 5;

    @TempDir
    Path dir;

    private final Map<Integer, MetadataQuorum> nodes = new HashMap<>();
    private final Map<Integer, QuorumSettings> settings = new HashMap<>();
    private final Map<Integer, InetSocketAddress> listenerAddresses = new HashMap<>();

    @AfterEach
    void closeAll() {
        nodes.values().forEach(MetadataQuorum::close);
    }

    private void startCluster() {
        Map<Integer, InetSocketAddress> voters = new HashMap<>();
        for (int id = 1; id <= 3; id++) {
            voters.put(id, new InetSocketAddress("127.0.0.1", QuorumFixture.freePort()));
        }
        for (int id : List.of(LISTENER, OTHER_LISTENER)) {
            listenerAddresses.put(id, new InetSocketAddress("127.0.0.1", QuorumFixture.freePort()));
        }
        for (int id = 1; id <= OTHER_LISTENER; id++) {
            Path home = dir.resolve("node" + id);
            settings.put(id, new QuorumSettings(id, voters, home.resolve("meta"), List.of(home.resolve("logs")),
                    1, (short) 1, Map.of(), 9000));
        }
        List<CompletableFuture<MetadataQuorum>> starts = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            int node = id;
            starts.add(CompletableFuture.supplyAsync(() -> MetadataQuorum.start(settings.get(node),
                    QuorumMembership.CONTROLLER_ONLY, Time.SYSTEM, QuorumFixture.tuning(5))));
        }
        for (int id = 1; id <= 3; id++) {
            nodes.put(id, starts.get(id - 1).join());
        }
        CompletableFuture<MetadataQuorum> other = CompletableFuture.supplyAsync(() -> startListener(OTHER_LISTENER));
        startListener(LISTENER);
        other.join();
    }

    private MetadataQuorum startListener(int id) {
        MetadataQuorum listener = MetadataQuorum.start(settings.get(id), QuorumMembership.listener(listenerAddresses.get(id)),
                Time.SYSTEM, QuorumFixture.tuning(5));
        synchronized (nodes) {
            nodes.put(id, listener);
        }
        return listener;
    }

    private int awaitVotersAgree(List<Integer> voters) {
        await().atMost(15, TimeUnit.SECONDS).until(() -> {
            int leader = nodes.get(voters.get(0)).activeControllerId();
            return voters.contains(leader) && voters.stream().allMatch(id -> nodes.get(id).activeControllerId() == leader);
        });
        return nodes.get(voters.get(0)).activeControllerId();
    }

    private static Errors createThrough(MetadataQuorum node, String name) {
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(1)
                .setReplicationFactor((short) 1));
        CreateTopicsResponseData response = await().atMost(20, TimeUnit.SECONDS)
                .ignoreExceptionsInstanceOf(ExecutionException.class)
                .until(() -> node.controller().createTopics(request).get(10, TimeUnit.SECONDS), r -> true);
        return Errors.forCode(response.topics().find(name).errorCode());
    }

    private static boolean has(MetadataQuorum node, String topic) {
        return node.image().topicsByName().containsKey(topic);
    }

    @Test
    void aListenerFollowsForwardsAndSurvivesAFailoverWithoutEverLeading() throws Exception {
        startCluster();
        int leader = awaitVotersAgree(List.of(1, 2, 3));
        MetadataQuorum listener = nodes.get(LISTENER);
        await().atMost(15, TimeUnit.SECONDS).until(() -> listener.activeControllerId() == leader);

        BrokerRegistration broker = MetadataQuorumTest.broker(LISTENER);
        await().atMost(15, TimeUnit.SECONDS).ignoreExceptions()
                .untilAsserted(() -> MetadataQuorumTest.registerUnfenced(listener, broker));
        assertThat(createThrough(listener, "from-listener")).isEqualTo(Errors.NONE);
        await().atMost(10, TimeUnit.SECONDS).until(() -> nodes.values().stream().allMatch(n -> has(n, "from-listener")));
        assertThat(listener.image().brokers()).containsKey(LISTENER);
        MetadataQuorum other = nodes.get(OTHER_LISTENER);
        assertThat(createThrough(other, "from-other-listener")).isEqualTo(Errors.NONE);
        await().atMost(10, TimeUnit.SECONDS).until(() -> nodes.values().stream().allMatch(n -> has(n, "from-other-listener")));

        nodes.remove(leader).close();
        List<Integer> rest = new ArrayList<>(List.of(1, 2, 3));
        rest.remove(Integer.valueOf(leader));
        int elected = awaitVotersAgree(rest);
        assertThat(elected).isNotEqualTo(LISTENER);
        assertThat(createThrough(listener, "after-failover")).isEqualTo(Errors.NONE);
        await().atMost(10, TimeUnit.SECONDS).until(() -> has(listener, "after-failover") && has(other, "after-failover"));
        assertThat(listener.activeControllerId()).isEqualTo(elected);
    }

    @Test
    void theQuorumCommitsWithoutItsListenerWhichCatchesUpFromASnapshotOnRestart() {
        startCluster();
        int leader = awaitVotersAgree(List.of(1, 2, 3));
        await().atMost(15, TimeUnit.SECONDS).ignoreExceptions()
                .untilAsserted(() -> MetadataQuorumTest.registerUnfenced(nodes.get(leader), MetadataQuorumTest.broker(LISTENER)));
        assertThat(createThrough(nodes.get(leader), "first")).isEqualTo(Errors.NONE);
        MetadataQuorum listener = nodes.get(LISTENER);
        await().atMost(15, TimeUnit.SECONDS).until(() -> has(listener, "first"));

        nodes.remove(LISTENER).close();
        // Snapshots every 5 entries and a purged log: the restarted listener needs a snapshot.
        for (int i = 0; i < 12; i++) {
            assertThat(createThrough(nodes.get(leader), "while-away-" + i)).isEqualTo(Errors.NONE);
        }
        long offset = nodes.get(leader).image().offset();

        MetadataQuorum restarted = startListener(LISTENER);
        await().atMost(20, TimeUnit.SECONDS).until(() -> restarted.image().offset() >= offset
                && has(restarted, "while-away-11") && has(restarted, "first"));
        assertThat(createThrough(restarted, "after-restart")).isEqualTo(Errors.NONE);
        await().atMost(10, TimeUnit.SECONDS).until(() -> has(nodes.get(OTHER_LISTENER), "after-restart"));
    }
}
