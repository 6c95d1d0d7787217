package io.runnel.metadata.controller;

import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.record.BrokerFencingRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.TopicRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** ElectLeaders over topic "t" (brokers 0-3, broker 3 fenced); each partition's state is given per test. */
class LeaderElectionsTest {
    private final PartitionLeadership leadership = new PartitionLeadership(new TopicConfigs(Map.of()));
    private static final Uuid TOPIC = Uuid.randomUuid();

    private static MetadataImage image(PartitionRecord... partitions) {
        MetadataImage brokers = Images.withBrokers(4);
        List<MetadataRecord> records = new ArrayList<>(List.of(new TopicRecord("t", TOPIC),
                new BrokerFencingRecord(3, brokers.brokers().get(3).incarnationId(), true)));
        records.addAll(List.of(partitions));
        return Images.apply(brokers, records);
    }

    private static PartitionRecord partition(int id, List<Integer> replicas, List<Integer> isr, int leader) {
        return new PartitionRecord(TOPIC, id, replicas, isr, leader, 5, 10);
    }

    private static ElectLeadersRequestData request(ElectionType type, Integer... partitions) {
        ElectLeadersRequestData request = new ElectLeadersRequestData().setElectionType(type.value);
        if (partitions.length > 0) {
            request.topicPartitions().add(new ElectLeadersRequestData.TopicPartitions().setTopic("t")
                    .setPartitions(List.of(partitions)));
        } else {
            request.setTopicPartitions(null);
        }
        return request;
    }

    private static Map<Integer, Errors> errors(ControllerResult<ElectLeadersResponseData> result) {
        Map<Integer, Errors> errors = new TreeMap<>();
        result.response().replicaElectionResults().forEach(t -> t.partitionResult()
                .forEach(p -> errors.put(p.partitionId(), Errors.forCode(p.errorCode()))));
        return errors;
    }

    @Test
    void preferredElectionsMoveLeadershipToTheFirstLiveInSyncReplica() {
        MetadataImage image = image(partition(0, List.of(0, 1, 2), List.of(0, 1, 2), 1),
                partition(1, List.of(0, 1), List.of(0, 1), 0),
                partition(2, List.of(2, 1), List.of(1), 1),
                partition(3, List.of(3, 1), List.of(3, 1), 1));
        ControllerResult<ElectLeadersResponseData> result = LeaderElections.electLeaders(image,
                request(ElectionType.PREFERRED, 0, 1, 2, 3, 9), leadership);
        assertThat(errors(result)).containsExactlyEntriesOf(new TreeMap<>(Map.of(0, Errors.NONE,
                1, Errors.ELECTION_NOT_NEEDED, 2, Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                3, Errors.PREFERRED_LEADER_NOT_AVAILABLE, 9, Errors.UNKNOWN_TOPIC_OR_PARTITION)));
        assertThat(result.records()).containsExactly(new PartitionChangeRecord(TOPIC, 0, List.of(0, 1, 2), 0, 6, 11));

        ControllerResult<ElectLeadersResponseData> all = LeaderElections.electLeaders(image, request(ElectionType.PREFERRED), leadership);
        assertThat(errors(all)).as("all partitions, ELECTION_NOT_NEEDED left out").containsOnlyKeys(0, 2, 3);
    }

    @Test
    void uncleanElectionsPreferTheIsrThenAnyLiveReplica() {
        MetadataImage image = image(partition(0, List.of(3, 2), List.of(3), -1),
                partition(1, List.of(3, 1, 2), List.of(3, 2), -1),
                partition(2, List.of(0, 1), List.of(0), 0),
                partition(3, List.of(3), List.of(3), -1));
        ControllerResult<ElectLeadersResponseData> result = LeaderElections.electLeaders(image,
                request(ElectionType.UNCLEAN, 0, 1, 2, 3), leadership);
        assertThat(errors(result)).containsExactlyEntriesOf(new TreeMap<>(Map.of(0, Errors.NONE, 1, Errors.NONE,
                2, Errors.ELECTION_NOT_NEEDED, 3, Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE)));
        assertThat(result.records()).containsExactly(
                new PartitionChangeRecord(TOPIC, 0, List.of(2), 2, 6, 11),
                new PartitionChangeRecord(TOPIC, 1, List.of(3, 2), 2, 6, 11));
    }

    @Test
    void anUnknownElectionTypeIsAnInvalidRequest() {
        ControllerResult<ElectLeadersResponseData> result = LeaderElections.electLeaders(image(),
                new ElectLeadersRequestData().setElectionType((byte) 7), leadership);
        assertThat(result.response().errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(result.records()).isEmpty();
    }
}
