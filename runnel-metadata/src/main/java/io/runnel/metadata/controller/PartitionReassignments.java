package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Partition reassignment (KIP-455, Kafka's KRaft semantics of ReplicationControlManager and
 * PartitionReassignmentReplicas). Submitting target replicas {@code T} for a partition whose
 * replicas are {@code R} (the union, when a reassignment is already under way) writes
 * replicas = {@code T} followed by {@code R - T}, adding = {@code T - R}, removing = {@code R - T},
 * ISR and leader unchanged. The reassignment completes as soon as every adding replica is in the
 * ISR (checked on submission and on every ISR change, see {@link #completeIfCaughtUp}): replicas
 * become {@code T}, the ISR loses the removing replicas, and a leader that was being removed
 * hands over to the first target replica in the ISR that is live, with a leader epoch bump.
 * Cancelling (null target) reverts to the original replicas ({@code replicas - adding}) and the
 * ISR without the adding replicas; when none of those is left in the ISR this needs an unclean
 * election, allowed only where {@code unclean.leader.election.enable} is.
 *
 * <p>Every change is one {@link PartitionRecord} (partition epoch + 1) that keeps the eligible
 * leader replicas, less the replicas that left. Errors per partition, as Kafka answers:
 * INVALID_REPLICA_ASSIGNMENT (empty target, a broker named twice or not registered, a cancel
 * needing a forbidden unclean election), INVALID_REPLICATION_FACTOR (version 1 with
 * {@code allowReplicationFactorChange=false} and a target of another size than the original
 * replicas), UNKNOWN_TOPIC_OR_PARTITION, NO_REASSIGNMENT_IN_PROGRESS (cancel with nothing to
 * cancel). Immutable and thread-safe.
 */
final class PartitionReassignments {
    private final TopicConfigs topicConfigs;

    /** @param topicConfigs the default of {@code unclean.leader.election.enable}, which a cancel may need */
    PartitionReassignments(TopicConfigs topicConfigs) {
        this.topicConfigs = topicConfigs;
    }

    ControllerResult<AlterPartitionReassignmentsResponseData> alter(MetadataImage image,
                                                                    AlterPartitionReassignmentsRequestData request) {
        AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData()
                .setAllowReplicationFactorChange(request.allowReplicationFactorChange());
        List<MetadataRecord> records = new ArrayList<>();
        for (AlterPartitionReassignmentsRequestData.ReassignableTopic topicData : request.topics()) {
            AlterPartitionReassignmentsResponseData.ReassignableTopicResponse topicResult =
                    new AlterPartitionReassignmentsResponseData.ReassignableTopicResponse().setName(topicData.name());
            response.responses().add(topicResult);
            TopicImage topic = image.topicsByName().get(topicData.name());
            for (AlterPartitionReassignmentsRequestData.ReassignablePartition data : topicData.partitions()) {
                ApiError error;
                try {
                    PartitionRecord record = alterOne(image, topicData.name(), topic, data,
                            request.allowReplicationFactorChange());
                    if (record != null) {
                        records.add(record);
                    }
                    error = ApiError.NONE;
                } catch (ReassignmentException e) {
                    error = new ApiError(e.error, e.getMessage());
                }
                topicResult.partitions().add(new AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse()
                        .setPartitionIndex(data.partitionIndex()).setErrorCode(error.error().code())
                        .setErrorMessage(error.message()));
            }
        }
        return new ControllerResult<>(records, response);
    }

    /** The partitions being reassigned, all of them or those named (unknown and settled ones are left out). */
    static ControllerResult<ListPartitionReassignmentsResponseData> list(MetadataImage image,
                                                                         ListPartitionReassignmentsRequestData request) {
        ListPartitionReassignmentsResponseData response = new ListPartitionReassignmentsResponseData();
        if (request.topics() == null) {
            image.topicsByName().values().stream().sorted((a, b) -> a.name().compareTo(b.name()))
                    .forEach(topic -> listTopic(response, topic, topic.partitions().keySet().stream().sorted().toList()));
        } else {
            for (ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics named : request.topics()) {
                TopicImage topic = image.topicsByName().get(named.name());
                if (topic != null) {
                    listTopic(response, topic, named.partitionIndexes());
                }
            }
        }
        return new ControllerResult<>(List.of(), response);
    }

    /**
     * {@code next} with its reassignment completed if every adding replica is in its ISR (and a
     * member of the ISR is left once the removing replicas are gone); otherwise {@code next}
     * itself. Keeps the partition epoch: the caller has bumped it for the change that led here.
     */
    static PartitionRegistration completeIfCaughtUp(MetadataImage image, PartitionRegistration next) {
        if (!next.isReassigning()) {
            return next;
        }
        List<Integer> isr = without(next.isr(), next.removingReplicas());
        if (isr.isEmpty() || !isr.containsAll(next.addingReplicas())) {
            return next;
        }
        List<Integer> replicas = without(next.replicas(), next.removingReplicas());
        int leader = next.leader();
        if (!isr.contains(leader) || !isLive(image, leader)) {
            leader = replicas.stream().filter(id -> isr.contains(id) && isLive(image, id)).findFirst()
                    .orElse(PartitionLeadership.NO_LEADER);
        }
        return new PartitionRegistration(replicas, isr, leader,
                leader == next.leader() ? next.leaderEpoch() : next.leaderEpoch() + 1, next.partitionEpoch(),
                List.of(), List.of(), retained(next.elr(), replicas), retained(next.lastKnownElr(), replicas));
    }

    /** The record of {@code data}'s change, or null when nothing changes. */
    private PartitionRecord alterOne(MetadataImage image, String topicName, TopicImage topic,
                                     AlterPartitionReassignmentsRequestData.ReassignablePartition data,
                                     boolean allowReplicationFactorChange) {
        if (topic == null) {
            throw new ReassignmentException(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "Unable to find a topic named " + topicName + ".");
        }
        PartitionRegistration current = topic.partitions().get(data.partitionIndex());
        if (current == null) {
            throw new ReassignmentException(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "Unable to find partition " + topicName + ":" + data.partitionIndex() + ".");
        }
        PartitionRegistration next = data.replicas() == null
                ? cancel(image, topicName, data.partitionIndex(), current)
                : reassign(image, current, data.replicas(), allowReplicationFactorChange);
        if (next == null) {
            return null;
        }
        return new PartitionRecord(topic.id(), data.partitionIndex(), completeIfCaughtUp(image, next));
    }

    private static PartitionRegistration reassign(MetadataImage image, PartitionRegistration current,
                                                  List<Integer> target, boolean allowReplicationFactorChange) {
        validateTarget(image, target);
        int originalSize = current.replicas().size() - current.addingReplicas().size();
        if (!allowReplicationFactorChange && target.size() != originalSize) {
            throw new ReassignmentException(Errors.INVALID_REPLICATION_FACTOR, "The replication factor is changed from "
                    + originalSize + " to " + target.size());
        }
        List<Integer> removing = without(current.replicas(), target);
        List<Integer> adding = without(target, current.replicas());
        List<Integer> replicas = new ArrayList<>(target);
        replicas.addAll(removing);
        if (replicas.equals(current.replicas()) && adding.equals(current.addingReplicas())
                && removing.equals(current.removingReplicas())) {
            return null;
        }
        return new PartitionRegistration(replicas, current.isr(), current.leader(), current.leaderEpoch(),
                current.partitionEpoch() + 1, adding, removing, current.elr(), current.lastKnownElr());
    }

    private PartitionRegistration cancel(MetadataImage image, String topicName, int partitionId,
                                         PartitionRegistration current) {
        if (!current.isReassigning()) {
            throw new ReassignmentException(Errors.NO_REASSIGNMENT_IN_PROGRESS,
                    Errors.NO_REASSIGNMENT_IN_PROGRESS.message());
        }
        List<Integer> replicas = without(current.replicas(), current.addingReplicas());
        List<Integer> isr = without(current.isr(), current.addingReplicas());
        int leader = current.leader();
        if (isr.isEmpty()) {
            leader = replicas.stream().filter(id -> isLive(image, id)).findFirst().orElse(PartitionLeadership.NO_LEADER);
            if (!uncleanElectionEnabled(image, topicName) || leader == PartitionLeadership.NO_LEADER) {
                throw new ReassignmentException(Errors.INVALID_REPLICA_ASSIGNMENT, "Unable to revert partition assignment for "
                        + topicName + ":" + partitionId + " because it would require an unclean leader election.");
            }
            isr = List.of(leader);
        } else if (!isr.contains(leader) || !isLive(image, leader)) {
            List<Integer> inSync = isr;
            leader = replicas.stream().filter(id -> inSync.contains(id) && isLive(image, id)).findFirst()
                    .orElse(PartitionLeadership.NO_LEADER);
        }
        return new PartitionRegistration(replicas, isr, leader,
                leader == current.leader() ? current.leaderEpoch() : current.leaderEpoch() + 1,
                current.partitionEpoch() + 1, List.of(), List.of(), retained(current.elr(), replicas),
                retained(current.lastKnownElr(), replicas));
    }

    private static void validateTarget(MetadataImage image, List<Integer> target) {
        if (target.isEmpty()) {
            throw new ReassignmentException(Errors.INVALID_REPLICA_ASSIGNMENT,
                    "The manual partition assignment includes an empty replica list.");
        }
        Set<Integer> seen = new HashSet<>();
        for (int brokerId : target) {
            if (!image.brokers().containsKey(brokerId)) {
                throw new ReassignmentException(Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment "
                        + "includes broker " + brokerId + ", but no such broker is registered.");
            }
            if (!seen.add(brokerId)) {
                throw new ReassignmentException(Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment "
                        + "includes the broker " + brokerId + " more than once.");
            }
        }
    }

    private static void listTopic(ListPartitionReassignmentsResponseData response, TopicImage topic,
                                  List<Integer> partitionIds) {
        ListPartitionReassignmentsResponseData.OngoingTopicReassignment ongoing =
                new ListPartitionReassignmentsResponseData.OngoingTopicReassignment().setName(topic.name());
        for (int id : partitionIds) {
            PartitionRegistration p = topic.partitions().get(id);
            if (p != null && p.isReassigning()) {
                ongoing.partitions().add(new ListPartitionReassignmentsResponseData.OngoingPartitionReassignment()
                        .setPartitionIndex(id).setReplicas(p.replicas()).setAddingReplicas(p.addingReplicas())
                        .setRemovingReplicas(p.removingReplicas()));
            }
        }
        if (!ongoing.partitions().isEmpty()) {
            response.topics().add(ongoing);
        }
    }

    private boolean uncleanElectionEnabled(MetadataImage image, String topic) {
        Map<String, String> overrides = image.configsOf(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        String value = overrides.get(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
        return Boolean.parseBoolean(value != null ? value
                : topicConfigs.defaultValue(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG));
    }

    private static boolean isLive(MetadataImage image, int brokerId) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        return broker != null && !broker.fenced();
    }

    /** {@code list} in its order, without the members of {@code removed}. */
    private static List<Integer> without(List<Integer> list, List<Integer> removed) {
        return list.stream().filter(id -> !removed.contains(id)).toList();
    }

    private static List<Integer> retained(List<Integer> list, List<Integer> replicas) {
        return list.stream().filter(replicas::contains).toList();
    }

    /** A partition's refusal: its error code and message. */
    private static final class ReassignmentException extends RuntimeException {
        private final Errors error;

        ReassignmentException(Errors error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }
}
