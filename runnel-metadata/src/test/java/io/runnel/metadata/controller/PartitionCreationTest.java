package io.runnel.metadata.controller;

import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionCreationTest {
    private final PartitionCreation creation = new PartitionCreation(new ReplicaPlacer(new Random(1)));
    private final MetadataImage image = Images.withTopic(Images.withBrokers(3), "a", 2, 2);

    private ControllerResult<CreatePartitionsResponseData> grow(CreatePartitionsTopic topic, boolean validateOnly) {
        CreatePartitionsRequestData request = new CreatePartitionsRequestData().setValidateOnly(validateOnly);
        request.topics().add(topic);
        return creation.createPartitions(image, request);
    }

    private static short error(ControllerResult<CreatePartitionsResponseData> result) {
        return result.response().results().get(0).errorCode();
    }

    @Test
    void addsPartitionsWithTheTopicsReplicationFactor() {
        var result = grow(new CreatePartitionsTopic().setName("a").setCount(5), false);
        assertThat(error(result)).isEqualTo(Errors.NONE.code());
        MetadataImage after = Images.apply(image, result.records());
        var partitions = after.topicsByName().get("a").partitions();
        assertThat(partitions).hasSize(5);
        for (int p = 2; p < 5; p++) {
            PartitionRegistration registration = partitions.get(p);
            assertThat(registration.replicas()).hasSize(2).doesNotHaveDuplicates();
            assertThat(registration.isr()).isEqualTo(registration.replicas());
            assertThat(registration.leader()).isEqualTo(registration.replicas().get(0));
        }
    }

    @Test
    void newLeadersContinueTheRingFromPartitionZerosLeader() {
        // Partitions 0 and 1 are led by brokers 0 and 1, so partitions 2, 3, 4 go to 2, 0, 1.
        var result = grow(new CreatePartitionsTopic().setName("a").setCount(5), false);
        var partitions = Images.apply(image, result.records()).topicsByName().get("a").partitions();
        assertThat(List.of(2, 3, 4).stream().map(p -> partitions.get(p).leader())).containsExactly(2, 0, 1);
    }

    @Test
    void validateOnlyWritesNothing() {
        var result = grow(new CreatePartitionsTopic().setName("a").setCount(5), true);
        assertThat(error(result)).isEqualTo(Errors.NONE.code());
        assertThat(result.records()).isEmpty();
    }

    @Test
    void aCountThatIsNoIncreaseIsInvalid() {
        assertThat(error(grow(new CreatePartitionsTopic().setName("a").setCount(2), false)))
                .isEqualTo(Errors.INVALID_PARTITIONS.code());
        assertThat(error(grow(new CreatePartitionsTopic().setName("a").setCount(1), false)))
                .isEqualTo(Errors.INVALID_PARTITIONS.code());
    }

    @Test
    void unknownTopic() {
        assertThat(error(grow(new CreatePartitionsTopic().setName("zz").setCount(3), false)))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void honoursAndChecksAssignments() {
        var ok = grow(new CreatePartitionsTopic().setName("a").setCount(3)
                .setAssignments(List.of(new CreatePartitionsAssignment().setBrokerIds(List.of(2, 0)))), false);
        assertThat(error(ok)).isEqualTo(Errors.NONE.code());
        assertThat(Images.apply(image, ok.records()).topicsByName().get("a").partitions().get(2).replicas())
                .containsExactly(2, 0);

        var wrongCount = grow(new CreatePartitionsTopic().setName("a").setCount(4)
                .setAssignments(List.of(new CreatePartitionsAssignment().setBrokerIds(List.of(2, 0)))), false);
        var unknownBroker = grow(new CreatePartitionsTopic().setName("a").setCount(3)
                .setAssignments(List.of(new CreatePartitionsAssignment().setBrokerIds(List.of(7, 0)))), false);
        var wrongFactor = grow(new CreatePartitionsTopic().setName("a").setCount(3)
                .setAssignments(List.of(new CreatePartitionsAssignment().setBrokerIds(List.of(1)))), false);
        assertThat(List.of(error(wrongCount), error(unknownBroker), error(wrongFactor)))
                .containsOnly(Errors.INVALID_REPLICA_ASSIGNMENT.code());
    }
}
