package io.runnel.storage;

/**
 * What an append did.
 *
 * @param firstOffset offset of the first record appended (or of the original append for a duplicate)
 * @param lastOffset offset of the last record appended
 * @param logAppendTime the broker time stamped on the batches under LogAppendTime, else -1
 * @param logStartOffset the log start offset after the append
 * @param duplicate true when the batch repeated one already in the log and nothing was written
 * @param flushNeeded true when this append brought the log's unflushed message count to
 *     {@code flush.messages} or more: the producer must not be acknowledged before an fsync
 *     ({@link PartitionLog#flushAsync()})
 */
public record AppendInfo(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset,
                         boolean duplicate, boolean flushNeeded) {
}
