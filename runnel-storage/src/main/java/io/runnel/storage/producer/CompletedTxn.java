package io.runnel.storage.producer;

/**
 * A transaction a COMMIT or ABORT marker completed in one partition.
 *
 * @param firstOffset offset of the transaction's first record here
 * @param lastOffset offset of the marker
 */
public record CompletedTxn(long producerId, long firstOffset, long lastOffset, boolean aborted) {
}
