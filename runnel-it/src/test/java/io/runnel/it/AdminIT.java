package io.runnel.it;

import io.runnel.it.harness.InProcessBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The Kafka 4.4 Admin client against every admin API of the single-node broker. */
class AdminIT {
    private static InProcessBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        broker = InProcessBroker.start();
        admin = broker.admin();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void createDescribeListAndDeleteTopics() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-a", 4, (short) 1)
                .configs(Map.of("retention.ms", "3600000", "cleanup.policy", "delete")))).all().get();
        assertThat(admin.listTopics().names().get()).contains("admin-a");
        TopicDescription description = admin.describeTopics(List.of("admin-a")).allTopicNames().get().get("admin-a");
        assertThat(description.partitions()).hasSize(4);
        assertThat(description.topicId()).isNotNull();
        description.partitions().forEach(p -> {
            assertThat(p.leader().id()).isEqualTo(1);
            assertThat(p.isr()).extracting(n -> n.id()).containsExactly(1);
        });
        TopicDescription byId = admin.describeTopics(TopicCollection.ofTopicIds(List.of(description.topicId())))
                .allTopicIds().get().get(description.topicId());
        assertThat(byId.name()).isEqualTo("admin-a");

        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("admin-a", 1, (short) 1))).all().get())
                .hasCauseInstanceOf(TopicExistsException.class);

        admin.deleteTopics(List.of("admin-a")).all().get();
        await().untilAsserted(() -> assertThat(admin.listTopics().names().get()).doesNotContain("admin-a"));
        assertThatThrownBy(() -> admin.deleteTopics(List.of("admin-a")).all().get())
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void aRecreatedTopicStartsEmpty() throws Exception {
        admin.createTopics(List.of(new NewTopic("reborn", 1, (short) 1))).all().get();
        produce("reborn", 5);
        TopicPartition tp = new TopicPartition("reborn", 0);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset()).isEqualTo(5);
        admin.deleteTopics(List.of("reborn")).all().get();
        await().untilAsserted(() -> assertThat(admin.listTopics().names().get()).doesNotContain("reborn"));
        admin.createTopics(List.of(new NewTopic("reborn", 1, (short) 1))).all().get();
        await().untilAsserted(() -> assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get()
                .offset()).isZero());
        produce("reborn", 2);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset()).isEqualTo(2);
    }

    @Test
    void badTopicRequestsGetKafkasErrors() {
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad name!", 1, (short) 1))).all().get())
                .hasCauseInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("rf3", 1, (short) 3))).all().get())
                .hasCauseInstanceOf(InvalidReplicationFactorException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("badcfg", 1, (short) 1)
                .configs(Map.of("retention.ms", "soon")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("unknowncfg", 1, (short) 1)
                .configs(Map.of("no.such.config", "1")))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void explicitAssignmentsMustNameThisBroker() throws Exception {
        admin.createTopics(List.of(new NewTopic("assigned", Map.of(0, List.of(1), 1, List.of(1))))).all().get();
        assertThat(admin.describeTopics(List.of("assigned")).allTopicNames().get().get("assigned").partitions()).hasSize(2);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("elsewhere", Map.of(0, List.of(2))))).all().get())
                .hasCauseInstanceOf(InvalidReplicaAssignmentException.class);
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("doubled", Map.of(0, List.of(1, 1))))).all().get())
                .hasCauseInstanceOf(InvalidReplicaAssignmentException.class);
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        admin.createTopics(List.of(new NewTopic("dry-run", 2, (short) 1)), new CreateTopicsOptions().validateOnly(true)).all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("dry-run");
    }

    @Test
    void createPartitionsGrowsATopic() throws Exception {
        admin.createTopics(List.of(new NewTopic("grow", 1, (short) 1))).all().get();
        admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(3))).all().get();
        await().untilAsserted(() -> assertThat(admin.describeTopics(List.of("grow")).allTopicNames().get()
                .get("grow").partitions()).hasSize(3));
        assertThatThrownBy(() -> admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(2))).all().get())
                .hasCauseInstanceOf(InvalidPartitionsException.class);
    }

    @Test
    void topicConfigsCanBeDescribedAndAltered() throws Exception {
        admin.createTopics(List.of(new NewTopic("configs", 1, (short) 1))).all().get();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "configs");
        Config before = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(before.get("retention.ms").value()).isEqualTo("604800000");
        assertThat(before.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all().get();
        await().untilAsserted(() -> {
            ConfigEntry entry = admin.describeConfigs(List.of(resource)).all().get().get(resource).get("retention.ms");
            assertThat(entry.value()).isEqualTo("1000");
            assertThat(entry.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        });
        assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "x"), AlterConfigOp.OpType.SET)))).all().get())
                .hasCauseInstanceOf(InvalidConfigurationException.class);

        admin.incrementalAlterConfigs(Map.of(resource, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE)))).all().get();
        await().untilAsserted(() -> assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                .get("retention.ms").value()).isEqualTo("604800000"));

        ConfigResource brokerResource = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Config brokerConfig = admin.describeConfigs(List.of(brokerResource)).all().get().get(brokerResource);
        assertThat(brokerConfig.get("num.partitions").value()).isEqualTo("1");
    }

    @Test
    void deleteRecordsMovesTheLogStartOffset() throws Exception {
        admin.createTopics(List.of(new NewTopic("trim", 1, (short) 1))).all().get();
        produce("trim", 50);
        TopicPartition tp = new TopicPartition("trim", 0);
        long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(20))).lowWatermarks().get(tp).get().lowWatermark();
        assertThat(low).isEqualTo(20);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset()).isEqualTo(20);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset()).isEqualTo(50);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp())).partitionResult(tp).get().offset())
                .as("record 30 carries the largest timestamp").isEqualTo(30);
    }

    @Test
    void describeClusterLogDirsAndProducers() throws Exception {
        assertThat(admin.describeCluster().clusterId().get()).isNotBlank();
        assertThat(admin.describeCluster().controller().get().id()).isEqualTo(1);
        admin.createTopics(List.of(new NewTopic("dirs", 2, (short) 1))).all().get();
        produce("dirs", 10);
        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(1)).allDescriptions().get().get(1);
        assertThat(dirs).hasSize(1);
        LogDirDescription dir = dirs.values().iterator().next();
        assertThat(dir.replicaInfos()).containsKey(new TopicPartition("dirs", 0));
        assertThat(dir.totalBytes()).isNotEmpty();
        TopicPartition tp = new TopicPartition("dirs", 0);
        Collection<ProducerState> producers = admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers();
        assertThat(producers).isNotEmpty();
        assertThat(producers).allSatisfy(p -> assertThat(p.producerId()).isNotNegative());
    }

    private static void produce(String topic, int count) throws ExecutionException, InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                long timestamp = 1_700_000_000_000L + (i == 30 ? 1_000_000 : i);
                producer.send(new ProducerRecord<>(topic, i % 2 == 0 || !topic.equals("dirs") ? 0 : 1, timestamp, null,
                        new byte[]{(byte) i}));
            }
            producer.flush();
        }
    }
}
