package io.runnel.metadata.controller;

import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.record.RemoveTopicRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TopicDeletionTest {
    private final MetadataImage image = Images.withTopic(Images.withTopic(Images.withBrokers(1), "a", 1, 1), "b", 2, 1);

    private static List<DeletableTopicResult> results(ControllerResult<?> result) {
        return new ArrayList<>(((org.apache.kafka.common.message.DeleteTopicsResponseData) result.response()).responses());
    }

    @Test
    void deletesByNameTheOldWay() {
        var result = TopicDeletion.deleteTopics(image, new DeleteTopicsRequestData().setTopicNames(List.of("a", "nope")));
        Uuid a = image.topicsByName().get("a").id();
        assertThat(result.records()).containsExactly(new RemoveTopicRecord(a));
        List<DeletableTopicResult> results = results(result);
        assertThat(results.get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(results.get(0).topicId()).isEqualTo(a);
        assertThat(results.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void deletesById() {
        Uuid b = image.topicsByName().get("b").id();
        var result = TopicDeletion.deleteTopics(image, new DeleteTopicsRequestData().setTopics(List.of(
                new DeleteTopicState().setTopicId(b),
                new DeleteTopicState().setTopicId(Uuid.randomUuid()))));
        assertThat(result.records()).containsExactly(new RemoveTopicRecord(b));
        List<DeletableTopicResult> results = results(result);
        assertThat(results.get(0).name()).isEqualTo("b");
        assertThat(results.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
    }

    @Test
    void refusesAmbiguousAndDuplicateEntries() {
        Uuid a = image.topicsByName().get("a").id();
        var result = TopicDeletion.deleteTopics(image, new DeleteTopicsRequestData().setTopics(List.of(
                new DeleteTopicState().setName("a").setTopicId(a),
                new DeleteTopicState().setName(null).setTopicId(Uuid.ZERO_UUID),
                new DeleteTopicState().setName("b"),
                new DeleteTopicState().setName("b"))));
        List<DeletableTopicResult> results = results(result);
        assertThat(results).extracting(DeletableTopicResult::errorCode).containsExactly(
                Errors.INVALID_REQUEST.code(), Errors.INVALID_REQUEST.code(), Errors.NONE.code(),
                Errors.INVALID_REQUEST.code());
        assertThat(result.records()).hasSize(1);
    }
}
