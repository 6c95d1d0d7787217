package io.runnel.metadata;

import org.apache.kafka.common.Uuid;

import java.util.Map;

/** A topic: its name, id and partitions by index (0..n-1). Immutable. */
public record TopicImage(String name, Uuid id, Map<Integer, PartitionRegistration> partitions) {
}
