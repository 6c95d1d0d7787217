package io.runnel.metadata.record;

import org.apache.kafka.common.Uuid;

/** A topic was created with this name and id; its partitions follow as {@link PartitionRecord}s. */
public record TopicRecord(String name, Uuid topicId) implements MetadataRecord {
}
