package io.runnel.metadata.controller;

import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TopicCreationTest {
    private final TopicCreation creation = new TopicCreation(3, (short) 2,
            new TopicConfigs(Map.of("retention.ms", 3_600_000L)), new ReplicaPlacer(new Random(7)));
    private final MetadataImage image = Images.withTopic(Images.withBrokers(3), "existing", 1, 1);

    private ControllerResult<CreateTopicsResponseData> create(boolean validateOnly, CreatableTopic... topics) {
        CreateTopicsRequestData request = new CreateTopicsRequestData().setValidateOnly(validateOnly);
        for (CreatableTopic topic : topics) {
            request.topics().add(topic);
        }
        return creation.createTopics(image, request);
    }

    private static CreatableTopic topic(String name, int partitions, int replicationFactor) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor((short) replicationFactor);
    }

    private static CreatableTopicResult only(ControllerResult<CreateTopicsResponseData> result) {
        assertThat(result.response().topics()).hasSize(1);
        return result.response().topics().iterator().next();
    }

    @Test
    void createsATopicWithDefaultsAndDescribesItsConfigs() {
        CreatableTopic request = topic("orders", -1, -1);
        request.configs().add(new CreatableTopicConfig().setName("cleanup.policy").setValue("compact"));
        var result = create(false, request);
        CreatableTopicResult topic = only(result);

        assertThat(topic.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(topic.numPartitions()).isEqualTo(3);
        assertThat(topic.replicationFactor()).isEqualTo((short) 2);
        assertThat(topic.topicId()).isNotEqualTo(Uuid.ZERO_UUID);
        Map<String, CreatableTopicConfigs> configs = new java.util.HashMap<>();
        topic.configs().forEach(c -> configs.put(c.name(), c));
        assertThat(configs.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(configs.get("cleanup.policy").configSource()).isEqualTo(ConfigSource.TOPIC_CONFIG.id());
        assertThat(configs.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(configs.get("retention.ms").configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id());
        assertThat(configs.get("segment.bytes").configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id());
        assertThat(configs).doesNotContainKey("internal.segment.bytes");

        MetadataImage after = Images.apply(image, result.records());
        TopicImage created = after.topicsByName().get("orders");
        assertThat(created.id()).isEqualTo(topic.topicId());
        assertThat(created.partitions()).hasSize(3);
        created.partitions().values().forEach(p -> {
            assertThat(p.replicas()).hasSize(2).doesNotHaveDuplicates();
            assertThat(p.isr()).isEqualTo(p.replicas());
            assertThat(p.leader()).isEqualTo(p.replicas().get(0));
            assertThat(p.leaderEpoch()).isZero();
            assertThat(p.partitionEpoch()).isZero();
        });
        assertThat(after.configsOf(new ConfigResource(ConfigResource.Type.TOPIC, "orders")))
                .isEqualTo(Map.of("cleanup.policy", "compact"));
    }

    @Test
    void validateOnlyAnswersButWritesNothing() {
        var result = create(true, topic("orders", 2, 1));
        assertThat(only(result).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(only(result).numPartitions()).isEqualTo(2);
        assertThat(result.records()).isEmpty();
    }

    @Test
    void rejectsBadTopics() {
        CreatableTopic badConfig = topic("bad-config", 1, 1);
        badConfig.configs().add(new CreatableTopicConfig().setName("retention.ms").setValue("soon"));
        CreatableTopic unknownConfig = topic("unknown-config", 1, 1);
        unknownConfig.configs().add(new CreatableTopicConfig().setName("no.such.config").setValue("1"));
        var result = create(false,
                topic("existing", 1, 1),
                topic("__cluster_metadata", 1, 1),
                topic("bad name!", 1, 1),
                topic("zero-partitions", 0, 1),
                topic("too-replicated", 1, 4),
                topic("zero-replicas", 1, 0),
                badConfig,
                unknownConfig);
        Map<String, Short> errors = new java.util.HashMap<>();
        result.response().topics().forEach(t -> errors.put(t.name(), t.errorCode()));
        assertThat(errors).containsExactlyInAnyOrderEntriesOf(Map.of(
                "existing", Errors.TOPIC_ALREADY_EXISTS.code(),
                "__cluster_metadata", Errors.INVALID_REQUEST.code(),
                "bad name!", Errors.INVALID_TOPIC_EXCEPTION.code(),
                "zero-partitions", Errors.INVALID_PARTITIONS.code(),
                "too-replicated", Errors.INVALID_REPLICATION_FACTOR.code(),
                "zero-replicas", Errors.INVALID_REPLICATION_FACTOR.code(),
                "bad-config", Errors.INVALID_CONFIG.code(),
                "unknown-config", Errors.INVALID_CONFIG.code()));
        assertThat(result.records()).isEmpty();
        result.response().topics().forEach(t -> {
            assertThat(t.errorMessage()).isNotBlank();
            assertThat(t.numPartitions()).isEqualTo(-1);
        });
    }

    @Test
    void fencedBrokersDoNotCountForReplication() {
        MetadataImage fenced = Images.apply(image, List.of(new io.runnel.metadata.record.RegisterBrokerRecord(
                new io.runnel.metadata.BrokerRegistration(2, Uuid.randomUuid(), List.of(), null, true))));
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(topic("t", 1, 3));
        var result = creation.createTopics(fenced, request);
        assertThat(only(result).errorCode()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());
        assertThat(only(result).errorMessage()).contains("only 2 broker(s)");
    }

    @Test
    void honoursManualAssignments() {
        CreatableTopic request = topic("manual", -1, -1);
        request.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(2, 1)));
        request.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(0, 2)));
        var result = create(false, request);
        assertThat(only(result).errorCode()).isEqualTo(Errors.NONE.code());
        TopicImage topic = Images.apply(image, result.records()).topicsByName().get("manual");
        assertThat(topic.partitions().get(0).replicas()).containsExactly(2, 1);
        assertThat(topic.partitions().get(1).leader()).isZero();
    }

    @Test
    void rejectsBadManualAssignments() {
        CreatableTopic unknownBroker = topic("unknown-broker", -1, -1);
        unknownBroker.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(9)));
        CreatableTopic uneven = topic("uneven", -1, -1);
        uneven.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(0, 1)));
        uneven.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(1)));
        CreatableTopic gap = topic("gap", -1, -1);
        gap.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(1)));
        CreatableTopic withCount = topic("with-count", 2, -1);
        withCount.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(1)));
        var result = create(false, unknownBroker, uneven, gap, withCount);
        Map<String, Short> errors = new java.util.HashMap<>();
        result.response().topics().forEach(t -> errors.put(t.name(), t.errorCode()));
        assertThat(errors).containsExactlyInAnyOrderEntriesOf(Map.of(
                "unknown-broker", Errors.INVALID_REPLICA_ASSIGNMENT.code(),
                "uneven", Errors.INVALID_REPLICA_ASSIGNMENT.code(),
                "gap", Errors.INVALID_REPLICA_ASSIGNMENT.code(),
                "with-count", Errors.INVALID_REQUEST.code()));
    }

    @Test
    void duplicateNamesInOneRequestAreInvalid() {
        var result = create(false, topic("dup", 1, 1), topic("dup", 1, 1));
        assertThat(result.response().topics()).hasSize(1);
        assertThat(only(result).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(result.records()).isEmpty();
    }
}
