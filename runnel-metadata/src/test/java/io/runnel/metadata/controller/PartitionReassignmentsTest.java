package io.runnel.metadata.controller;

import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.record.BrokerFencingRecord;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.PartitionRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reassignment of "t"-0, which starts on replicas [1, 2] (ISR [1, 2], leader 1, epochs 0) in a
 * cluster of brokers 0..3.
 */
class PartitionReassignmentsTest {
    private final PartitionReassignments reassignments = new PartitionReassignments(new TopicConfigs(Map.of()));
    private final MetadataImage image = withPartition(Images.withBrokers(4),
            new PartitionRegistration(List.of(1, 2), List.of(1, 2), 1, 0, 0));
    private final Uuid topicId = image.topicsByName().get("t").id();

    private static MetadataImage withPartition(MetadataImage brokers, PartitionRegistration registration) {
        MetadataImage withTopic = Images.withTopic(brokers, "t", 1, 2);
        Uuid id = withTopic.topicsByName().get("t").id();
        return Images.apply(withTopic, List.of(new PartitionRecord(id, 0, registration)));
    }

    private static AlterPartitionReassignmentsRequestData request(String topic, int partition, Integer... target) {
        return new AlterPartitionReassignmentsRequestData().setTopics(List.of(
                new AlterPartitionReassignmentsRequestData.ReassignableTopic().setName(topic).setPartitions(List.of(
                        new AlterPartitionReassignmentsRequestData.ReassignablePartition().setPartitionIndex(partition)
                                .setReplicas(target == null ? null : Arrays.asList(target))))));
    }

    private static AlterPartitionReassignmentsRequestData cancel(String topic, int partition) {
        return request(topic, partition, (Integer[]) null);
    }

    private static AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse only(
            ControllerResult<AlterPartitionReassignmentsResponseData> result) {
        return result.response().responses().get(0).partitions().get(0);
    }

    private Errors error(MetadataImage image, AlterPartitionReassignmentsRequestData request) {
        ControllerResult<AlterPartitionReassignmentsResponseData> result = reassignments.alter(image, request);
        assertThat(result.records()).isEmpty();
        return Errors.forCode(only(result).errorCode());
    }

    private MetadataImage alter(MetadataImage image, AlterPartitionReassignmentsRequestData request) {
        ControllerResult<AlterPartitionReassignmentsResponseData> result = reassignments.alter(image, request);
        assertThat(only(result).errorCode()).isEqualTo(Errors.NONE.code());
        return Images.apply(image, result.records());
    }

    private static PartitionRegistration partition(MetadataImage image) {
        return image.topicsByName().get("t").partitions().get(0);
    }

    private MetadataImage alterIsr(MetadataImage image, Integer... isr) {
        PartitionRegistration p = partition(image);
        AlterPartitionRequestData.PartitionData data = new AlterPartitionRequestData.PartitionData()
                .setPartitionIndex(0).setLeaderEpoch(p.leaderEpoch()).setPartitionEpoch(p.partitionEpoch())
                .setNewIsrWithEpochs(Arrays.stream(isr).map(id -> new AlterPartitionRequestData.BrokerState()
                        .setBrokerId(id).setBrokerEpoch(-1)).toList());
        AlterPartitionRequestData request = new AlterPartitionRequestData().setBrokerId(p.leader()).setBrokerEpoch(-1);
        request.topics().add(new AlterPartitionRequestData.TopicData().setTopicId(topicId).setPartitions(List.of(data)));
        ControllerResult<AlterPartitionResponseData> result = IsrAlteration.alterPartition(image, request,
                new PartitionLeadership(new TopicConfigs(Map.of())));
        assertThat(result.response().topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        return Images.apply(image, result.records());
    }

    @Test
    void aMoveGrowsTheReplicasThenCompletesWhenTheAddingReplicaJoinsTheIsr() {
        MetadataImage growing = alter(image, request("t", 0, 2, 3));
        assertThat(partition(growing)).isEqualTo(new PartitionRegistration(List.of(2, 3, 1), List.of(1, 2), 1, 0, 1,
                List.of(3), List.of(1), List.of(), List.of()));

        MetadataImage caughtUp = alterIsr(growing, 1, 2, 3);
        // Leader 1 was being removed: leadership moves to the first target replica in the ISR.
        assertThat(partition(caughtUp)).isEqualTo(new PartitionRegistration(List.of(2, 3), List.of(2, 3), 2, 1, 2));
    }

    @Test
    void anIsrChangeThatLeavesAnAddingReplicaOutDoesNotComplete() {
        MetadataImage growing = alter(image, request("t", 0, 0, 2, 3));
        MetadataImage oneIn = alterIsr(growing, 1, 2, 3);
        assertThat(partition(oneIn).addingReplicas()).containsExactly(0, 3);
        assertThat(partition(oneIn).replicas()).containsExactly(0, 2, 3, 1);
        assertThat(partition(alterIsr(oneIn, 1, 2, 3, 0))).isEqualTo(
                new PartitionRegistration(List.of(0, 2, 3), List.of(2, 3, 0), 0, 1, 3));
    }

    @Test
    void aRemovalAloneCompletesOnSubmissionAndKeepsALeaderThatStays() {
        MetadataImage shrunk = alter(image, request("t", 0, 1));
        assertThat(partition(shrunk)).isEqualTo(new PartitionRegistration(List.of(1), List.of(1), 1, 0, 1));
    }

    @Test
    void aReorderOnlyChangesTheReplicaOrder() {
        assertThat(partition(alter(image, request("t", 0, 2, 1))))
                .isEqualTo(new PartitionRegistration(List.of(2, 1), List.of(1, 2), 1, 0, 1));
        assertThat(reassignments.alter(image, request("t", 0, 1, 2)).records()).isEmpty();
    }

    @Test
    void aNewTargetReplacesTheOneUnderWay() {
        MetadataImage growing = alter(image, request("t", 0, 2, 3));
        MetadataImage retargeted = alter(growing, request("t", 0, 1, 0));
        assertThat(partition(retargeted)).isEqualTo(new PartitionRegistration(List.of(1, 0, 2, 3), List.of(1, 2), 1, 0,
                2, List.of(0), List.of(2, 3), List.of(), List.of()));
    }

    @Test
    void cancelRevertsToTheOriginalReplicas() {
        MetadataImage growing = alter(image, request("t", 0, 2, 3));
        MetadataImage cancelled = alter(growing, cancel("t", 0));
        // As in Kafka, the original replicas keep their order within the union, not their first order.
        assertThat(partition(cancelled)).isEqualTo(new PartitionRegistration(List.of(2, 1), List.of(1, 2), 1, 0, 2));
    }

    @Test
    void cancelThatNeedsAnUncleanElectionIsRefusedUnlessTheTopicAllowsIt() {
        MetadataImage onlyNewInIsr = withPartition(Images.withBrokers(4),
                new PartitionRegistration(List.of(3, 1), List.of(3), 3, 4, 7, List.of(3), List.of(1), List.of(), List.of()));
        assertThat(error(onlyNewInIsr, cancel("t", 0))).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);

        MetadataImage unclean = Images.apply(onlyNewInIsr, List.of(new ConfigRecord(
                ConfigResource.Type.TOPIC, "t", TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "true")));
        assertThat(partition(alter(unclean, cancel("t", 0))))
                .isEqualTo(new PartitionRegistration(List.of(1), List.of(1), 1, 5, 8));
    }

    @Test
    void errorsAsKafkaAnswersThem() {
        assertThat(error(image, request("t", 0))).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(error(image, request("t", 0, 2, 2))).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(error(image, request("t", 0, 2, 9))).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(error(image, request("missing", 0, 2, 3))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(error(image, request("t", 5, 2, 3))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(error(image, cancel("t", 0))).isEqualTo(Errors.NO_REASSIGNMENT_IN_PROGRESS);
        assertThat(error(image, request("t", 0, 1, 2, 3).setAllowReplicationFactorChange(false)))
                .isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
        assertThat(only(reassignments.alter(image, request("t", 0, 9))).errorMessage()).contains("broker 9");
    }

    @Test
    void aFencedTargetIsAcceptedButNeverElected() {
        MetadataImage fenced = Images.apply(image, List.of(new BrokerFencingRecord(2,
                image.brokers().get(2).incarnationId(), true)));
        MetadataImage growing = alter(fenced, request("t", 0, 2, 3));
        MetadataImage caughtUp = alterIsr(growing, 1, 3);
        assertThat(partition(caughtUp).leader()).isEqualTo(3);
    }

    @Test
    void listShowsOnlyPartitionsUnderReassignment() {
        MetadataImage growing = alter(Images.withTopic(image, "other", 2, 2), request("t", 0, 2, 3));
        ListPartitionReassignmentsResponseData all = PartitionReassignments.list(growing,
                new ListPartitionReassignmentsRequestData().setTopics(null)).response();
        assertThat(all.topics()).hasSize(1);
        assertThat(all.topics().get(0).name()).isEqualTo("t");
        assertThat(all.topics().get(0).partitions().get(0)).isEqualTo(
                new ListPartitionReassignmentsResponseData.OngoingPartitionReassignment().setPartitionIndex(0)
                        .setReplicas(List.of(2, 3, 1)).setAddingReplicas(List.of(3)).setRemovingReplicas(List.of(1)));

        ListPartitionReassignmentsResponseData named = PartitionReassignments.list(growing,
                new ListPartitionReassignmentsRequestData().setTopics(List.of(
                        new ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics().setName("other")
                                .setPartitionIndexes(List.of(0, 1)),
                        new ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics().setName("missing")
                                .setPartitionIndexes(List.of(0))))).response();
        assertThat(named.topics()).isEmpty();
    }
}
