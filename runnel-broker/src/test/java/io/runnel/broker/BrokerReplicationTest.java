package io.runnel.broker;

import io.runnel.broker.config.BrokerConfig;
import io.runnel.broker.replica.ReplicaManager;
import io.runnel.broker.replica.ReplicationSettings;
import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.Controller;
import io.runnel.metadata.MetadataQuorum;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.storage.LogConfig;
import io.runnel.storage.LogManager;
import io.runnel.storage.PartitionLog;
import io.runnel.storage.StorageSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real single-node broker (1) leads a topic assigned to [1, 2] with min.insync.replicas 2; this
 * test plays broker 2: it registers and heartbeats through broker 1's controller, and runs a
 * follower replica manager on its own logs, fed broker 1's metadata images. acks=all produces
 * from kafka-clients are acknowledged only once broker 2 has the records, at the same offsets.
 */
class BrokerReplicationTest {
    private static final TopicPartition TP = new TopicPartition("replicated", 0);

    @TempDir
    Path dir;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    void acksAllIsAnsweredOnlyOnceTheFollowerHasTheRecords() throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        Broker leader = Broker.start(BrokerConfig.parse(Map.of(
                "node.id", "1",
                "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners", "PLAINTEXT://127.0.0.1:" + port,
                "controller.quorum.voters", "1@127.0.0.1:" + controllerPort,
                "broker.session.timeout.ms", "60000",
                "log.dirs", dir.resolve("broker-1").toString())));
        resources.add(leader);
        MetadataQuorum quorum = leader.quorum();
        Controller controller = quorum.controller();

        Uuid incarnation = Uuid.randomUuid();
        controller.registerBroker(new BrokerRegistration(2, incarnation, List.of(new BrokerRegistration.Endpoint(
                "PLAINTEXT", "127.0.0.1", freePort(), "PLAINTEXT")), null, false), true).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            controller.brokerHeartbeat(new BrokerHeartbeat(2, incarnation, quorum.image().offset(), false, false))
                    .get(10, TimeUnit.SECONDS);
            BrokerRegistration two = quorum.image().brokers().get(2);
            return two != null && !two.fenced();
        });
        var created = controller.createTopics(new CreateTopicsRequestData().setTopics(
                new CreateTopicsRequestData.CreatableTopicCollection(List.of(new CreatableTopic()
                        .setName(TP.topic()).setNumPartitions(-1).setReplicationFactor((short) -1)
                        .setAssignments(new CreateTopicsRequestData.CreatableReplicaAssignmentCollection(List.of(
                                new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(1, 2)))
                                .iterator()))
                        .setConfigs(new CreateTopicsRequestData.CreatableTopicConfigCollection(List.of(
                                new CreatableTopicConfig().setName("min.insync.replicas").setValue("2")).iterator())))
                        .iterator()))).get(10, TimeUnit.SECONDS);
        assertThat(created.topics().find(TP.topic()).errorCode()).isEqualTo(Errors.NONE.code());
        await().atMost(Duration.ofSeconds(10)).until(() -> quorum.image().topicsByName().containsKey(TP.topic()));
        assertThat(quorum.image().topicsByName().get(TP.topic()).partitions().get(0))
                .extracting(PartitionRegistration::isr).isEqualTo(List.of(1, 2));

        LogManager followerLogs = LogManager.start(List.of(dir.resolve("broker-2")), new StorageSettings(
                LogConfig.defaults(), 300_000, Long.MAX_VALUE, 60_000, 86_400_000, 600_000), Time.SYSTEM);
        resources.add(followerLogs);
        ReplicaManager follower = new ReplicaManager(2, followerLogs, Map.of(), ReplicationSettings.defaults(),
                request -> new CompletableFuture<>(), tp -> { }, Time.SYSTEM);
        resources.add(follower);
        quorum.addListener(follower);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (int i = 0; i < 5; i++) {
                RecordMetadata acked = producer.send(new ProducerRecord<>(TP.topic(), 0, null, "v" + i))
                        .get(30, TimeUnit.SECONDS);
                assertThat(acked.offset()).isEqualTo(i);
                PartitionLog replica = followerLogs.get(TP).orElseThrow();
                assertThat(replica.logEndOffset()).as("broker 2 has offset %d when it is acknowledged", i)
                        .isGreaterThan(acked.offset());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
