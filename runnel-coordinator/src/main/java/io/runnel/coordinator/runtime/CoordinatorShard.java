package io.runnel.coordinator.runtime;

/**
 * The state machine of one coordinator partition. Its state changes only in the replay methods,
 * so a write's records and a load after a restart run the same code.
 *
 * <p>Transactional writes (Kafka's TxnOffsetCommit): records of a producer's transaction are
 * replayed with {@link #replayTransactional} and stay pending until {@link #replayEndTransaction}
 * commits or aborts them. Records and markers are replayed in log order.
 *
 * <p>Thread-safety: confined to the shard's thread (the runtime calls every method there).
 */
public interface CoordinatorShard {

    /** Applies one record written outside a transaction (a write's records right after they are appended, or the log on load). */
    void replay(CoordinatorRecord record);

    /**
     * Applies one record of {@code producerId}'s open transaction: pending until its marker.
     * A shard that never takes transactional writes keeps this default, which refuses.
     */
    default void replayTransactional(long producerId, CoordinatorRecord record) {
        throw new IllegalStateException(getClass().getSimpleName() + " takes no transactional records (producer "
                + producerId + ")");
    }

    /**
     * Applies the marker of {@code producerId}'s transaction: its pending records become
     * visible ({@code commit}) or are dropped. A marker without pending records changes nothing,
     * so a shard without transactional writes needs no override.
     */
    default void replayEndTransaction(long producerId, boolean commit) {
    }

    /** Called once the whole partition was replayed on election: a chance to restart timers. */
    default void onLoaded() {
    }

    /** Called when this broker stops leading the partition; timers are already cancelled. */
    default void onUnloaded() {
    }
}
