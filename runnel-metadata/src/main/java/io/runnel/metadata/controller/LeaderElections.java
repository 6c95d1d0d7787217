package io.runnel.metadata.controller;

import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ElectLeaders (Kafka's ReplicationControlManager#electLeaders, as {@code kafka-leader-election.sh}
 * and {@code Admin.electLeaders} use it). Per partition:
 * <ul>
 *   <li>unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION;</li>
 *   <li>PREFERRED when the first replica already leads, UNCLEAN when the partition has a leader:
 *       ELECTION_NOT_NEEDED;</li>
 *   <li>PREFERRED: {@link PartitionLeadership#electPreferred}; nothing to change:
 *       PREFERRED_LEADER_NOT_AVAILABLE;</li>
 *   <li>UNCLEAN: the first live ISR member, else (the ISR empty) the first live eligible leader
 *       replica, else the first live replica with the ISR reset to it (whatever the topic's
 *       {@code unclean.leader.election.enable}); none: ELIGIBLE_LEADERS_NOT_AVAILABLE.</li>
 * </ul>
 * Without partitions ({@code topicPartitions} null) every partition of every topic is tried and
 * ELECTION_NOT_NEEDED results are left out. An unknown election type answers INVALID_REQUEST as
 * the top-level error. {@code timeoutMs} is not used: the answer comes once the records commit.
 * Stateless.
 */
final class LeaderElections {
    private LeaderElections() {
    }

    /** @param leadership runs each partition's election */
    static ControllerResult<ElectLeadersResponseData> electLeaders(MetadataImage image, ElectLeadersRequestData request,
                                                                   PartitionLeadership leadership) {
        ElectLeadersResponseData response = new ElectLeadersResponseData();
        ElectionType type;
        try {
            type = ElectionType.valueOf(request.electionType());
        } catch (IllegalArgumentException e) {
            return new ControllerResult<>(List.of(), response.setErrorCode(Errors.INVALID_REQUEST.code()));
        }
        List<MetadataRecord> records = new ArrayList<>();
        if (request.topicPartitions() == null) {
            for (TopicImage topic : image.topicsByName().values()) {
                ElectLeadersResponseData.ReplicaElectionResult result = topicResult(response, topic.name());
                for (int partition : topic.partitions().keySet()) {
                    Errors error = elect(image, leadership, topic.name(), partition, type, records);
                    if (error != Errors.ELECTION_NOT_NEEDED) {
                        result.partitionResult().add(partitionResult(partition, error));
                    }
                }
            }
        } else {
            for (ElectLeadersRequestData.TopicPartitions topic : request.topicPartitions()) {
                ElectLeadersResponseData.ReplicaElectionResult result = topicResult(response, topic.topic());
                for (int partition : topic.partitions()) {
                    result.partitionResult().add(partitionResult(partition,
                            elect(image, leadership, topic.topic(), partition, type, records)));
                }
            }
        }
        return new ControllerResult<>(records, response);
    }

    private static Errors elect(MetadataImage image, PartitionLeadership leadership, String topicName, int partitionId, ElectionType type,
                                List<MetadataRecord> records) {
        TopicImage topic = image.topicsByName().get(topicName);
        PartitionRegistration partition = topic == null ? null : topic.partitions().get(partitionId);
        if (partition == null) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        boolean preferred = type == ElectionType.PREFERRED;
        if (preferred ? partition.leader() == partition.replicas().get(0) : partition.leader() >= 0) {
            return Errors.ELECTION_NOT_NEEDED;
        }
        Optional<PartitionChangeRecord> change = preferred
                ? leadership.electPreferred(image, topic, partitionId, partition)
                : leadership.electUnclean(image, topic, partitionId, partition);
        if (change.isEmpty()) {
            return preferred ? Errors.PREFERRED_LEADER_NOT_AVAILABLE : Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE;
        }
        records.add(change.get());
        return Errors.NONE;
    }

    private static ElectLeadersResponseData.ReplicaElectionResult topicResult(ElectLeadersResponseData response,
                                                                              String topic) {
        ElectLeadersResponseData.ReplicaElectionResult result =
                new ElectLeadersResponseData.ReplicaElectionResult().setTopic(topic);
        response.replicaElectionResults().add(result);
        return result;
    }

    private static ElectLeadersResponseData.PartitionResult partitionResult(int partition, Errors error) {
        return new ElectLeadersResponseData.PartitionResult().setPartitionId(partition).setErrorCode(error.code())
                .setErrorMessage(error == Errors.NONE ? null : error.message());
    }
}
