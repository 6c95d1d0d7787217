package io.runnel.storage.index;

/**
 * One entry of an aborted-transaction index (Kafka's {@code AbortedTxn}).
 *
 * @param firstOffset offset of the transaction's first record in the partition
 * @param lastOffset offset of its ABORT marker (the entry lives in the marker's segment)
 * @param lastStableOffset the partition's last stable offset just after the marker was appended
 *     (the first offset of the earliest other ongoing transaction, else {@code lastOffset + 1});
 *     no later entry can start below it, which lets a search stop early
 */
public record TxnIndexEntry(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {
}
