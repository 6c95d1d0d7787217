package io.runnel.coordinator.txn;

/**
 * What a shard asks of its coordinator outside its own thread: transaction aborts and marker
 * writes, which must wait for a commit or call the marker writer. Implemented by
 * {@link TransactionCoordinator}; the shard calls it from its thread, and it must not block.
 */
interface MarkerScheduler {

    /** Aborts the partition's timed-out transactions, as a write, then writes their markers. */
    void abortTimedOutTransactions(int partition);

    /** Writes markers whose Prepare record is already committed, then records the Complete state. */
    void writeMarkers(int partition, PendingMarkers markers);
}
