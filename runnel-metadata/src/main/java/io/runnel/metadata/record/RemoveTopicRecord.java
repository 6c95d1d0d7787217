package io.runnel.metadata.record;

import org.apache.kafka.common.Uuid;

/** A topic was deleted, with its partitions and its config overrides. */
public record RemoveTopicRecord(Uuid topicId) implements MetadataRecord {
}
