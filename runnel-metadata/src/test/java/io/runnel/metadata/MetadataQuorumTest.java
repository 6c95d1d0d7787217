package io.runnel.metadata;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class MetadataQuorumTest {
    @TempDir
    Path dir;

    static BrokerRegistration broker(int id) {
        return new BrokerRegistration(id, Uuid.randomUuid(),
                List.of(new BrokerRegistration.Endpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")), null, false);
    }

    /** Registers a broker through this node's controller and heartbeats once, so it is unfenced. */
    static void registerUnfenced(MetadataQuorum quorum, BrokerRegistration broker) throws Exception {
        quorum.controller().registerBroker(broker, true).get(5, TimeUnit.SECONDS);
        BrokerHeartbeatReply reply = quorum.controller().brokerHeartbeat(new BrokerHeartbeat(broker.id(),
                broker.incarnationId(), quorum.image().offset(), false, false)).get(5, TimeUnit.SECONDS);
        assertThat(reply.fenced()).isFalse();
    }

    @Test
    void oneVoterQuorumStartsQuicklyAndLeads() throws Exception {
        QuorumSettings settings = QuorumFixture.settings(dir, 1, Map.of());
        long startNanos = System.nanoTime();
        try (MetadataQuorum quorum = QuorumFixture.start(settings, 10_000)) {
            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            // Cold JVM: mostly loading Ratis and gRPC classes (about 0.1-0.3 s once warm).
            assertThat(startMs).as("start time in ms").isLessThan(5_000);
            assertThat(quorum.activeControllerId()).isEqualTo(1);
            assertThat(quorum.image().clusterId()).hasSize(22);

            quorum.controller().registerBroker(broker(1), true).get(5, TimeUnit.SECONDS);
            assertThat(quorum.image().brokers()).containsKey(1);
            long closeStart = System.nanoTime();
            quorum.close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart)).as("close ms").isLessThan(2_000);
        }
    }

    @Test
    void listenersSeeCurrentImageThenEveryChange() throws Exception {
        try (MetadataQuorum quorum = QuorumFixture.start(QuorumFixture.settings(dir, 1, Map.of()), 10_000)) {
            List<MetadataImage> seen = new CopyOnWriteArrayList<>();
            quorum.addListener((previous, current) -> seen.add(current));
            assertThat(seen).hasSize(1);
            long first = quorum.controller().allocateProducerIds(1, 1000).get(5, TimeUnit.SECONDS);
            long second = quorum.controller().allocateProducerIds(1, 1000).get(5, TimeUnit.SECONDS);
            assertThat(first).isZero();
            assertThat(second).isEqualTo(1000);
            await().atMost(5, TimeUnit.SECONDS).until(() -> seen.size() == 3);
            assertThat(seen.get(2).nextProducerId()).isEqualTo(2000);
            assertThat(seen.get(2).offset()).isGreaterThan(seen.get(1).offset());
        }
    }

    @Test
    void restartReplaysTheLog() throws Exception {
        QuorumSettings settings = QuorumFixture.settings(dir, 1, Map.of());
        MetadataImage before;
        try (MetadataQuorum quorum = QuorumFixture.start(settings, 10_000)) {
            registerUnfenced(quorum, broker(1));
            quorum.controller().allocateProducerIds(1, 500).get(5, TimeUnit.SECONDS);
            quorum.controller().createTopics(createTopic("orders", 3)).get(5, TimeUnit.SECONDS);
            IncrementalAlterConfigsRequestData alter = new IncrementalAlterConfigsRequestData();
            IncrementalAlterConfigsRequestData.AlterConfigsResource resource = new IncrementalAlterConfigsRequestData
                    .AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("orders");
            resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("retention.ms")
                    .setConfigOperation(AlterConfigOp.OpType.SET.id()).setValue("60000"));
            alter.resources().add(resource);
            assertThat(quorum.controller().incrementalAlterConfigs(alter).get(5, TimeUnit.SECONDS)
                    .responses().get(0).errorCode()).isEqualTo(Errors.NONE.code());
            before = quorum.image();
        }
        assertThat(before.configsOf(new ConfigResource(ConfigResource.Type.TOPIC, "orders"))).containsEntry("retention.ms", "60000");
        try (MetadataQuorum quorum = QuorumFixture.start(settings, 10_000)) {
            assertSameState(quorum.image(), before);
            assertThat(quorum.controller().allocateProducerIds(1, 500).get(5, TimeUnit.SECONDS)).isEqualTo(500);
        }
    }

    @Test
    void topicsSurviveRestartFromSnapshotAndLog() throws Exception {
        QuorumSettings settings = QuorumFixture.settings(dir, 1, Map.of());
        MetadataImage before;
        try (MetadataQuorum quorum = QuorumFixture.start(settings, 5)) {
            Controller controller = quorum.controller();
            registerUnfenced(quorum, broker(1));
            for (int i = 0; i < 12; i++) {
                CreateTopicsResponseData response = controller.createTopics(createTopic("topic-" + i, 2))
                        .get(5, TimeUnit.SECONDS);
                assertThat(response.topics().find("topic-" + i).errorCode()).isEqualTo(Errors.NONE.code());
            }
            DeleteTopicsResponseData deleted = controller.deleteTopics(
                    new DeleteTopicsRequestData().setTopicNames(List.of("topic-3"))).get(5, TimeUnit.SECONDS);
            assertThat(deleted.responses().iterator().next().errorCode()).isEqualTo(Errors.NONE.code());
            await().atMost(5, TimeUnit.SECONDS).until(() -> snapshots(settings).findAny().isPresent());
            before = quorum.image();
        }
        assertThat(before.topicsByName()).hasSize(11).doesNotContainKey("topic-3");
        try (MetadataQuorum quorum = QuorumFixture.start(settings, 5)) {
            assertSameState(quorum.image(), before);
            CreateTopicsResponseData again = quorum.controller().createTopics(createTopic("topic-0", 1))
                    .get(5, TimeUnit.SECONDS);
            assertThat(again.topics().find("topic-0").errorCode()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS.code());
        }
    }

    @Test
    void aLogDirOfAnotherNodeIsRefused() throws Exception {
        QuorumSettings settings = QuorumFixture.settings(dir, 1, Map.of());
        QuorumFixture.start(settings, 10_000).close();
        QuorumSettings otherNode = new QuorumSettings(2, Map.of(2, settings.voters().get(1)), settings.metadataDir(),
                settings.logDirs(), 1, (short) 1, Map.of(), 9000);
        assertThatThrownBy(() -> QuorumFixture.start(otherNode, 10_000))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("node.id");
    }

    @Test
    void aTakenPortIsAStartupError() throws Exception {
        QuorumSettings settings = QuorumFixture.settings(dir, 1, Map.of());
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(settings.voters().get(1));
            assertThatThrownBy(() -> QuorumFixture.start(settings, 10_000))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining(String.valueOf(settings.voters().get(1).getPort()));
        }
    }

    private static CreateTopicsRequestData createTopic(String name, int partitions) {
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor((short) 1));
        return request;
    }

    private static Stream<Path> snapshots(QuorumSettings settings) throws IOException {
        try (Stream<Path> files = Files.walk(settings.metadataDir())) {
            return files.filter(f -> f.getFileName().toString().matches("snapshot\\.\\d+_\\d+")).toList().stream();
        }
    }

    static void assertSameState(MetadataImage actual, MetadataImage expected) {
        assertThat(actual.clusterId()).isEqualTo(expected.clusterId());
        assertThat(actual.brokers()).isEqualTo(expected.brokers());
        assertThat(actual.topicsByName()).isEqualTo(expected.topicsByName());
        assertThat(actual.topicsById()).isEqualTo(expected.topicsById());
        assertThat(actual.configs()).isEqualTo(expected.configs());
        assertThat(actual.nextProducerId()).isEqualTo(expected.nextProducerId());
    }
}
