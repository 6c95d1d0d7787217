package io.runnel.metadata.controller;

import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigAlterationTest {
    private static final ConfigResource TOPIC = new ConfigResource(ConfigResource.Type.TOPIC, "t");
    private static final ConfigResource CLUSTER = new ConfigResource(ConfigResource.Type.BROKER, "");

    private final ConfigAlteration alteration = new ConfigAlteration(new TopicConfigs(Map.of()));
    private MetadataImage image = Images.apply(Images.withTopic(Images.withBrokers(1), "t", 1, 1), List.of(
            new ConfigRecord(ConfigResource.Type.TOPIC, "t", "retention.ms", "1000"),
            new ConfigRecord(ConfigResource.Type.TOPIC, "t", "segment.ms", "2000")));

    private static AlterableConfig op(String name, OpType op, String value) {
        return new AlterableConfig().setName(name).setConfigOperation(op.id()).setValue(value);
    }

    private ControllerResult<IncrementalAlterConfigsResponseData> incremental(ConfigResource resource, boolean validateOnly,
                                                                             AlterableConfig... ops) {
        AlterConfigsResource r = new AlterConfigsResource().setResourceType(resource.type().id())
                .setResourceName(resource.name());
        for (AlterableConfig op : ops) {
            r.configs().add(op);
        }
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData().setValidateOnly(validateOnly);
        request.resources().add(r);
        ControllerResult<IncrementalAlterConfigsResponseData> result = alteration.incrementalAlterConfigs(image, request);
        image = Images.apply(image, result.records());
        return result;
    }

    private static short error(ControllerResult<IncrementalAlterConfigsResponseData> result) {
        return result.response().responses().get(0).errorCode();
    }

    @Test
    void aChangedMinInsyncReplicasClearsEligibleLeaderReplicas() {
        TopicImage t = image.topicsByName().get("t");
        PartitionRegistration p = t.partitions().get(0);
        image = Images.apply(image, List.of(new PartitionChangeRecord(t.id(), 0, List.of(), -1, p.leaderEpoch() + 1,
                p.partitionEpoch() + 1, List.of(1), List.of(1))));

        assertThat(error(incremental(TOPIC, false, op("retention.ms", OpType.SET, "5000")))).isEqualTo(Errors.NONE.code());
        assertThat(image.topicsByName().get("t").partitions().get(0).elr()).as("other keys keep it").containsExactly(1);

        assertThat(error(incremental(CLUSTER, false, op("min.insync.replicas", OpType.SET, "2"))))
                .isEqualTo(Errors.NONE.code());
        PartitionRegistration cleared = image.topicsByName().get("t").partitions().get(0);
        assertThat(cleared.elr()).isEmpty();
        assertThat(cleared.lastKnownElr()).isEmpty();
        assertThat(cleared.partitionEpoch()).isEqualTo(p.partitionEpoch() + 2);
    }

    @Test
    void setAndDeleteChangeOnlyTheNamedKeys() {
        var result = incremental(TOPIC, false, op("retention.ms", OpType.SET, "5000"), op("segment.ms", OpType.DELETE, null));
        assertThat(error(result)).isEqualTo(Errors.NONE.code());
        assertThat(image.configsOf(TOPIC)).isEqualTo(Map.of("retention.ms", "5000"));
    }

    @Test
    void appendAndSubtractWorkOnListConfigsStartingFromTheDefault() {
        assertThat(error(incremental(TOPIC, false, op("cleanup.policy", OpType.APPEND, "compact"))))
                .isEqualTo(Errors.NONE.code());
        assertThat(image.configsOf(TOPIC)).containsEntry("cleanup.policy", "delete,compact");
        assertThat(error(incremental(TOPIC, false, op("cleanup.policy", OpType.SUBTRACT, "delete"))))
                .isEqualTo(Errors.NONE.code());
        assertThat(image.configsOf(TOPIC)).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void appendOnANonListConfigIsInvalid() {
        var result = incremental(TOPIC, false, op("retention.ms", OpType.APPEND, "1"));
        assertThat(error(result)).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(result.records()).isEmpty();
    }

    @Test
    void invalidValuesAndUnknownTopicsAreRefused() {
        assertThat(error(incremental(TOPIC, false, op("retention.ms", OpType.SET, "forever"))))
                .isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(error(incremental(new ConfigResource(ConfigResource.Type.TOPIC, "nope"), false,
                op("retention.ms", OpType.SET, "1")))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void validateOnlyWritesNothing() {
        var result = incremental(TOPIC, true, op("retention.ms", OpType.SET, "5000"));
        assertThat(error(result)).isEqualTo(Errors.NONE.code());
        assertThat(result.records()).isEmpty();
    }

    @Test
    void replicationThrottlesAreDynamicBrokerConfigsAndTheirReplicasTopicConfigs() {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
        assertThat(error(incremental(broker, false, op("leader.replication.throttled.rate", OpType.SET, "1048576"),
                op("follower.replication.throttled.rate", OpType.SET, "1048576")))).isEqualTo(Errors.NONE.code());
        assertThat(image.configsOf(broker)).containsEntry("leader.replication.throttled.rate", "1048576");
        assertThat(error(incremental(TOPIC, false, op("leader.replication.throttled.replicas", OpType.SET, "0:0"),
                op("follower.replication.throttled.replicas", OpType.SET, "0:1")))).isEqualTo(Errors.NONE.code());
        assertThat(error(incremental(broker, false, op("leader.replication.throttled.rate", OpType.SET, "-1"))))
                .isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(error(incremental(broker, false, op("follower.replication.throttled.rate", OpType.SET, "fast"))))
                .isEqualTo(Errors.INVALID_CONFIG.code());
        // kafka-reassign-partitions --verify deletes all three rates, the log-dirs one never set here.
        assertThat(error(incremental(broker, false, op("leader.replication.throttled.rate", OpType.DELETE, null),
                op("follower.replication.throttled.rate", OpType.DELETE, null),
                op("replica.alter.log.dirs.io.max.bytes.per.second", OpType.DELETE, null)))).isEqualTo(Errors.NONE.code());
        assertThat(image.configsOf(broker)).isEmpty();
    }

    @Test
    void brokerConfigsAcceptOnlyDynamicKeys() {
        assertThat(error(incremental(CLUSTER, false, op("log.retention.ms", OpType.SET, "60000"),
                op("log.cleaner.threads", OpType.SET, "2")))).isEqualTo(Errors.NONE.code());
        assertThat(image.configsOf(CLUSTER)).containsEntry("log.retention.ms", "60000");

        var refused = incremental(new ConfigResource(ConfigResource.Type.BROKER, "0"), false,
                op("listeners", OpType.SET, "PLAINTEXT://:1"));
        assertThat(error(refused)).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(refused.response().responses().get(0).errorMessage()).contains("Cannot update these configs dynamically");
        assertThat(error(incremental(CLUSTER, false, op("log.retention.ms", OpType.SET, "never"))))
                .isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(error(incremental(new ConfigResource(ConfigResource.Type.BROKER, "x"), false,
                op("log.retention.ms", OpType.SET, "1")))).isEqualTo(Errors.INVALID_REQUEST.code());
    }

    @Test
    void legacyAlterConfigsReplacesEveryOverride() {
        AlterConfigsRequestData request = new AlterConfigsRequestData();
        AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(TOPIC.type().id()).setResourceName("t");
        resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("7"));
        request.resources().add(resource);
        ControllerResult<AlterConfigsResponseData> result = alteration.alterConfigs(image, request);
        assertThat(result.response().responses().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(Images.apply(image, result.records()).configsOf(TOPIC)).isEqualTo(Map.of("retention.ms", "7"));
    }
}
