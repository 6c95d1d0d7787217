package io.runnel.coordinator.runtime;

/**
 * The state machine of one coordinator partition. Its state changes only in {@link #replay}, so
 * a write's records and a load after a restart run the same code.
 *
 * <p>Thread-safety: confined to the shard's thread (the runtime calls every method there).
 */
public interface CoordinatorShard {

    /** Applies one record of the partition (a write's records right after they are appended, or the log on load). */
    void replay(CoordinatorRecord record);

    /** Called once the whole partition was replayed on election: a chance to restart timers. */
    default void onLoaded() {
    }

    /** Called when this broker stops leading the partition; timers are already cancelled. */
    default void onUnloaded() {
    }
}
