package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.metadata.record.PartitionRecord;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * AlterPartition: a partition leader asks to shrink or expand its ISR (Kafka's
 * ReplicationControlManager#alterPartition, version 3 semantics: topics by id, the new ISR as
 * {@code newIsrWithEpochs}). Checks per partition, in Kafka's order:
 * <ol>
 *   <li>unknown topic id: UNKNOWN_TOPIC_ID; unknown partition: UNKNOWN_TOPIC_OR_PARTITION;</li>
 *   <li>leader or partition epoch newer than the controller's: NOT_CONTROLLER (the sender knows a
 *       newer controller);</li>
 *   <li>older leader epoch: FENCED_LEADER_EPOCH; sender not the leader: INVALID_REQUEST; older
 *       partition epoch: INVALID_UPDATE_VERSION;</li>
 *   <li>the new ISR repeats a broker or leaves out the leader: INVALID_REQUEST; it names a
 *       broker that is not a replica, not registered or fenced: INELIGIBLE_REPLICA (Kafka answers
 *       INVALID_REQUEST for a non-replica; Runnel's replication contract folds it in here).</li>
 * </ol>
 * A sender that is not registered gets STALE_BROKER_EPOCH for the whole request. Broker epochs
 * ({@code brokerEpoch} of the request and of each ISR member) are not checked: Runnel has
 * incarnation ids instead. The leader recovery state is not modelled (always RECOVERED).
 *
 * <p>A valid request writes a {@link PartitionChangeRecord} (partition epoch + 1, leader epoch
 * kept) unless nothing changes, and answers the partition's new state. A shrink below the topic's
 * {@code min.insync.replicas} makes the replicas leaving the ISR eligible leader replicas; an
 * expansion takes the new members out of the ELR, and one reaching min ISR clears it
 * ({@link PartitionChangeBuilder}). A change that brings the last adding replica of a
 * reassignment into the ISR completes it instead, as one {@link PartitionRecord}
 * ({@link PartitionReassignments#completeIfCaughtUp}). Stateless.
 */
final class IsrAlteration {
    private IsrAlteration() {
    }

    /** @param leadership computes the change record, with its eligible leader replicas */
    static ControllerResult<AlterPartitionResponseData> alterPartition(MetadataImage image,
                                                                       AlterPartitionRequestData request,
                                                                       PartitionLeadership leadership) {
        AlterPartitionResponseData response = new AlterPartitionResponseData();
        if (!image.brokers().containsKey(request.brokerId())) {
            return new ControllerResult<>(List.of(), response.setErrorCode(Errors.STALE_BROKER_EPOCH.code()));
        }
        List<MetadataRecord> records = new ArrayList<>();
        for (AlterPartitionRequestData.TopicData topicData : request.topics()) {
            AlterPartitionResponseData.TopicData topicResult = new AlterPartitionResponseData.TopicData()
                    .setTopicId(topicData.topicId());
            response.topics().add(topicResult);
            TopicImage topic = image.topicsById().get(topicData.topicId());
            for (AlterPartitionRequestData.PartitionData data : topicData.partitions()) {
                AlterPartitionResponseData.PartitionData result = new AlterPartitionResponseData.PartitionData()
                        .setPartitionIndex(data.partitionIndex());
                topicResult.partitions().add(result);
                if (topic == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                    continue;
                }
                PartitionRegistration partition = topic.partitions().get(data.partitionIndex());
                List<Integer> newIsr = data.newIsrWithEpochs().stream()
                        .map(AlterPartitionRequestData.BrokerState::brokerId).toList();
                Errors error = validate(image, request.brokerId(), partition, data, newIsr);
                if (error != Errors.NONE) {
                    result.setErrorCode(error.code());
                    continue;
                }
                Optional<PartitionChangeRecord> change = leadership.alterIsr(image, topic, data.partitionIndex(),
                        partition, newIsr);
                if (change.isPresent()) {
                    partition = change.get().applyTo(partition);
                    PartitionRegistration completed = PartitionReassignments.completeIfCaughtUp(image, partition);
                    records.add(completed == partition ? change.get()
                            : new PartitionRecord(topic.id(), data.partitionIndex(), completed));
                    partition = completed;
                }
                result.setLeaderId(partition.leader()).setLeaderEpoch(partition.leaderEpoch())
                        .setIsr(partition.isr()).setPartitionEpoch(partition.partitionEpoch());
            }
        }
        return new ControllerResult<>(records, response);
    }

    private static Errors validate(MetadataImage image, int senderId, PartitionRegistration partition,
                                   AlterPartitionRequestData.PartitionData data, List<Integer> newIsr) {
        if (partition == null) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (data.leaderEpoch() > partition.leaderEpoch() || data.partitionEpoch() > partition.partitionEpoch()) {
            return Errors.NOT_CONTROLLER;
        }
        if (data.leaderEpoch() < partition.leaderEpoch()) {
            return Errors.FENCED_LEADER_EPOCH;
        }
        if (senderId != partition.leader()) {
            return Errors.INVALID_REQUEST;
        }
        if (data.partitionEpoch() < partition.partitionEpoch()) {
            return Errors.INVALID_UPDATE_VERSION;
        }
        Set<Integer> distinct = new HashSet<>(newIsr);
        if (distinct.size() != newIsr.size() || !distinct.contains(partition.leader())) {
            return Errors.INVALID_REQUEST;
        }
        for (int replica : newIsr) {
            BrokerRegistration broker = image.brokers().get(replica);
            if (!partition.replicas().contains(replica) || broker == null || broker.fenced()) {
                return Errors.INELIGIBLE_REPLICA;
            }
        }
        return Errors.NONE;
    }
}
