package io.runnel.storage.producer;

/**
 * Sequence and offset range of one batch a producer appended.
 *
 * @param timestamp the batch's max timestamp (ms)
 */
public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {
}
