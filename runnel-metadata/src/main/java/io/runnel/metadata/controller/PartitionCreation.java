package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.record.MetadataRecord;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CreatePartitions: grows a topic to {@code count} partitions, placing the new ones like topic
 * creation does (or as assigned), with the topic's replication factor; the placer continues the
 * topic's leader order so that the whole topic's leaders stay balanced. A count not above the
 * current one is INVALID_PARTITIONS; assignments must cover exactly the new partitions with that
 * many replicas on registered brokers (INVALID_REPLICA_ASSIGNMENT).
 *
 * <p>Not thread-safe (placement randomness); used on the controller thread.
 */
final class PartitionCreation {
    private final ReplicaPlacer placer;

    PartitionCreation(ReplicaPlacer placer) {
        this.placer = placer;
    }

    ControllerResult<CreatePartitionsResponseData> createPartitions(MetadataImage image,
                                                                    CreatePartitionsRequestData request) {
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        List<MetadataRecord> records = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatePartitionsTopic topic : request.topics()) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        Set<String> answered = new HashSet<>();
        for (CreatePartitionsTopic topic : request.topics()) {
            if (!answered.add(topic.name())) {
                continue;
            }
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(topic.name());
            response.results().add(result);
            List<MetadataRecord> topicRecords = new ArrayList<>();
            String problem;
            Errors error;
            if (duplicates.contains(topic.name())) {
                error = Errors.INVALID_REQUEST;
                problem = "Duplicate topic name.";
            } else {
                TopicImage existing = image.topicsByName().get(topic.name());
                if (existing == null) {
                    error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    problem = "This server does not host this topic-partition.";
                } else {
                    Outcome outcome = grow(image, existing, topic, topicRecords);
                    error = outcome.error;
                    problem = outcome.message;
                }
            }
            result.setErrorCode(error.code()).setErrorMessage(problem);
            if (error == Errors.NONE && !request.validateOnly()) {
                records.addAll(topicRecords);
            }
        }
        return new ControllerResult<>(records, response);
    }

    /** The replicas of the topic's partitions 0..n-1, in partition order. */
    private static List<List<Integer>> currentReplicas(TopicImage topic) {
        List<List<Integer>> replicas = new ArrayList<>(topic.partitions().size());
        for (int p = 0; p < topic.partitions().size(); p++) {
            replicas.add(topic.partitions().get(p).replicas());
        }
        return replicas;
    }

    private record Outcome(Errors error, String message) {
        static final Outcome OK = new Outcome(Errors.NONE, null);
    }

    private Outcome grow(MetadataImage image, TopicImage topic, CreatePartitionsTopic request,
                         List<MetadataRecord> records) {
        int current = topic.partitions().size();
        if (request.count() < current) {
            return new Outcome(Errors.INVALID_PARTITIONS, "The topic " + topic.name() + " currently has " + current
                    + " partition(s); " + request.count() + " would not be an increase.");
        }
        if (request.count() == current) {
            return new Outcome(Errors.INVALID_PARTITIONS, "Topic already has " + current + " partition(s).");
        }
        int added = request.count() - current;
        int replicationFactor = topic.partitions().isEmpty() ? 1 : topic.partitions().get(0).replicas().size();
        List<List<Integer>> assignment;
        if (request.assignments() != null && !request.assignments().isEmpty()) {
            if (request.assignments().size() != added) {
                return new Outcome(Errors.INVALID_REPLICA_ASSIGNMENT, "Attempted to add " + added
                        + " additional partition(s), but only " + request.assignments().size()
                        + " assignment(s) were specified.");
            }
            assignment = new ArrayList<>();
            for (CreatePartitionsAssignment a : request.assignments()) {
                List<Integer> replicas = List.copyOf(a.brokerIds());
                String problem = Placement.assignmentProblem(image, replicas);
                if (problem == null && replicas.size() != replicationFactor) {
                    problem = "The manual partition assignment includes a partition with " + replicas.size()
                            + " replica(s), but this is not consistent with previous partitions, which have "
                            + replicationFactor + " replica(s).";
                }
                if (problem != null) {
                    return new Outcome(Errors.INVALID_REPLICA_ASSIGNMENT, problem);
                }
                assignment.add(replicas);
            }
        } else {
            List<BrokerRegistration> brokers = Placement.usableBrokers(image);
            String problem = Placement.replicationFactorProblem(replicationFactor, brokers.size());
            if (problem != null) {
                return new Outcome(Errors.INVALID_REPLICATION_FACTOR, problem);
            }
            assignment = placer.place(brokers, currentReplicas(topic), added, replicationFactor);
        }
        for (int i = 0; i < added; i++) {
            records.add(Placement.newPartition(topic.id(), current + i, assignment.get(i)));
        }
        return Outcome.OK;
    }
}
