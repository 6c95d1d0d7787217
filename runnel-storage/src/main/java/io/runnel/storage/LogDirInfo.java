package io.runnel.storage;

import org.apache.kafka.common.TopicPartition;

import java.util.Map;

/** A log directory's usage: bytes per partition, and the file system's total and usable bytes. */
public record LogDirInfo(Map<TopicPartition, Long> partitionSizes, long totalBytes, long usableBytes) {
}
