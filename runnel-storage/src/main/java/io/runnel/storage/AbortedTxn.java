package io.runnel.storage;

/**
 * An aborted transaction as fetch responses list it (a {@code read_committed} consumer drops the
 * producer's records from {@code firstOffset} up to the abort marker).
 *
 * @param firstOffset offset of the transaction's first record in this partition
 * @param lastOffset offset of its abort marker
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset) {
}
