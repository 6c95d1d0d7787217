package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.TopicRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * CreateTopics: validates each topic against the image and computes its records (TopicRecord,
 * one PartitionRecord per partition, one ConfigRecord per override). Each topic succeeds or
 * fails on its own; all successful ones go into one batch. validateOnly computes the same
 * results and returns no records.
 *
 * <p>Not thread-safe (placement randomness); used on the controller thread.
 */
final class TopicCreation {
    private final int defaultNumPartitions;
    private final short defaultReplicationFactor;
    private final TopicConfigs topicConfigs;
    private final ReplicaPlacer placer;

    TopicCreation(int defaultNumPartitions, short defaultReplicationFactor, TopicConfigs topicConfigs,
                  ReplicaPlacer placer) {
        this.defaultNumPartitions = defaultNumPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
        this.topicConfigs = topicConfigs;
        this.placer = placer;
    }

    ControllerResult<CreateTopicsResponseData> createTopics(MetadataImage image, CreateTopicsRequestData request) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        List<MetadataRecord> records = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatableTopic topic : request.topics()) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        for (CreatableTopic topic : request.topics()) {
            CreatableTopicResult result = new CreatableTopicResult().setName(topic.name());
            if (duplicates.contains(topic.name())) {
                if (response.topics().find(topic.name()) == null) {
                    response.topics().add(failed(result, Errors.INVALID_REQUEST, "Duplicate topic name."));
                }
                continue;
            }
            response.topics().add(create(image, topic, result, request.validateOnly() ? new ArrayList<>() : records));
        }
        return new ControllerResult<>(records, response);
    }

    private CreatableTopicResult create(MetadataImage image, CreatableTopic topic, CreatableTopicResult result,
                                        List<MetadataRecord> records) {
        String name = topic.name();
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            return failed(result, Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
        }
        if (Topic.CLUSTER_METADATA_TOPIC_NAME.equals(name)) {
            return failed(result, Errors.INVALID_REQUEST, "Creation of internal topic " + name + " is prohibited.");
        }
        if (image.topicsByName().containsKey(name)) {
            return failed(result, Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        if (Topic.hasCollisionChars(name)) {
            for (String existing : image.topicsByName().keySet()) {
                if (Topic.hasCollision(name, existing)) {
                    return failed(result, Errors.INVALID_TOPIC_EXCEPTION,
                            "Topic '" + name + "' collides with existing topic: " + existing);
                }
            }
        }
        Map<String, String> overrides = new TreeMap<>();
        for (CreatableTopicConfig config : topic.configs()) {
            if (config.value() == null) {
                return failed(result, Errors.INVALID_CONFIG, "Null value not supported for topic configs: " + config.name());
            }
            overrides.put(config.name(), config.value());
        }
        try {
            topicConfigs.validate(overrides);
        } catch (InvalidConfigurationException e) {
            return failed(result, Errors.INVALID_CONFIG, e.getMessage());
        }
        List<List<Integer>> assignment;
        if (!topic.assignments().isEmpty()) {
            if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
                return failed(result, Errors.INVALID_REQUEST, "A manual partition assignment was specified, but "
                        + "numPartitions or replicationFactor was not set to -1.");
            }
            assignment = new ArrayList<>();
            String problem = manualAssignment(image, topic, assignment);
            if (problem != null) {
                return failed(result, Errors.INVALID_REPLICA_ASSIGNMENT, problem);
            }
        } else {
            int partitions = topic.numPartitions() == -1 ? defaultNumPartitions : topic.numPartitions();
            int replicationFactor = topic.replicationFactor() == -1 ? defaultReplicationFactor : topic.replicationFactor();
            if (partitions <= 0) {
                return failed(result, Errors.INVALID_PARTITIONS,
                        "Number of partitions was set to an invalid non-positive value.");
            }
            if (replicationFactor <= 0) {
                return failed(result, Errors.INVALID_REPLICATION_FACTOR,
                        "Replication factor must be larger than 0, or -1 to use the default value.");
            }
            List<BrokerRegistration> brokers = Placement.usableBrokers(image);
            String problem = Placement.replicationFactorProblem(replicationFactor, brokers.size());
            if (problem != null) {
                return failed(result, Errors.INVALID_REPLICATION_FACTOR, problem);
            }
            assignment = placer.place(brokers, List.of(), partitions, replicationFactor);
        }
        Uuid topicId = Uuid.randomUuid();
        records.add(new TopicRecord(name, topicId));
        for (int p = 0; p < assignment.size(); p++) {
            records.add(Placement.newPartition(topicId, p, assignment.get(p)));
        }
        overrides.forEach((key, value) -> records.add(new ConfigRecord(ConfigResource.Type.TOPIC, name, key, value)));
        return result.setTopicId(topicId)
                .setErrorCode(Errors.NONE.code())
                .setNumPartitions(assignment.size())
                .setReplicationFactor((short) assignment.get(0).size())
                .setConfigs(topicConfigs.describe(overrides));
    }

    /** Fills {@code out} with the replicas per partition, or returns why the assignment is invalid. */
    private static String manualAssignment(MetadataImage image, CreatableTopic topic, List<List<Integer>> out) {
        Map<Integer, List<Integer>> byPartition = new HashMap<>();
        for (CreatableReplicaAssignment a : topic.assignments()) {
            byPartition.put(a.partitionIndex(), List.copyOf(a.brokerIds()));
        }
        for (int p = 0; p < byPartition.size(); p++) {
            List<Integer> replicas = byPartition.get(p);
            if (replicas == null) {
                return "Partitions should be a consecutive 0-based integer sequence, but " + p + " is missing.";
            }
            String problem = Placement.assignmentProblem(image, replicas);
            if (problem != null) {
                return problem;
            }
            if (!out.isEmpty() && out.get(0).size() != replicas.size()) {
                return "All partitions in the manual partition assignment must have the same number of replicas.";
            }
            out.add(replicas);
        }
        return null;
    }

    private static CreatableTopicResult failed(CreatableTopicResult result, Errors error, String message) {
        return result.setTopicId(Uuid.ZERO_UUID)
                .setErrorCode(error.code())
                .setErrorMessage(message)
                .setNumPartitions(-1)
                .setReplicationFactor((short) -1);
    }
}
