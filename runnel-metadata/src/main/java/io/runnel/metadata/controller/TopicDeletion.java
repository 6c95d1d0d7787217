package io.runnel.metadata.controller;

import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.TopicImage;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.RemoveTopicRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * DeleteTopics: by name (v0-v5 {@code topicNames}, or v6+ entries with only a name) or by id
 * (v6+). One RemoveTopicRecord per existing topic; replay drops its partitions and configs.
 * Unknown names get UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID; an entry naming
 * both or neither, or a topic named twice, gets INVALID_REQUEST. Stateless.
 */
final class TopicDeletion {
    private TopicDeletion() {
    }

    static ControllerResult<DeleteTopicsResponseData> deleteTopics(MetadataImage image, DeleteTopicsRequestData request) {
        List<DeleteTopicState> entries = new ArrayList<>(request.topics());
        for (String name : request.topicNames()) {
            entries.add(new DeleteTopicState().setName(name).setTopicId(Uuid.ZERO_UUID));
        }
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        List<MetadataRecord> records = new ArrayList<>();
        Set<Uuid> deleted = new HashSet<>();
        for (DeleteTopicState entry : entries) {
            boolean byName = entry.name() != null;
            boolean byId = entry.topicId() != null && !Uuid.ZERO_UUID.equals(entry.topicId());
            DeletableTopicResult result = new DeletableTopicResult()
                    .setName(entry.name())
                    .setTopicId(byId ? entry.topicId() : Uuid.ZERO_UUID);
            response.responses().add(result);
            if (byName == byId) {
                error(result, Errors.INVALID_REQUEST, byName ? "You may not specify both topic name and topic id."
                        : "Neither topic name nor id were specified.");
                continue;
            }
            TopicImage topic = byName ? image.topicsByName().get(entry.name()) : image.topicsById().get(entry.topicId());
            if (topic == null) {
                if (byName) {
                    error(result, Errors.UNKNOWN_TOPIC_OR_PARTITION, "This server does not host this topic-partition.");
                } else {
                    error(result, Errors.UNKNOWN_TOPIC_ID, "This server does not host this topic ID.");
                }
                continue;
            }
            result.setName(topic.name()).setTopicId(topic.id());
            if (!deleted.add(topic.id())) {
                error(result, Errors.INVALID_REQUEST, "Duplicate topic " + (byName ? "name." : "id."));
                continue;
            }
            result.setErrorCode(Errors.NONE.code());
            records.add(new RemoveTopicRecord(topic.id()));
        }
        return new ControllerResult<>(records, response);
    }

    private static void error(DeletableTopicResult result, Errors error, String message) {
        result.setErrorCode(error.code()).setErrorMessage(message);
    }
}
