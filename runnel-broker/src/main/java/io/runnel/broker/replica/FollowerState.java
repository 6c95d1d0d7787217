package io.runnel.broker.replica;

/**
 * The leader's view of one follower replica: its log end offset (the offset of its last fetch)
 * and when it was last caught up, Kafka's rule for ISR membership.
 *
 * <p>Not thread-safe: guarded by its {@link Partition}'s lock. Times are milliseconds of the
 * partition's injected {@code Time}.
 */
final class FollowerState {
    /** -1 until the follower fetches from this leader. */
    long logEndOffset = -1;
    long lastCaughtUpTimeMs;
    private long lastFetchLeaderLogEndOffset = -1;
    private long lastFetchTimeMs;

    FollowerState(long lastCaughtUpTimeMs) {
        this.lastCaughtUpTimeMs = lastCaughtUpTimeMs;
    }

    /**
     * Records a fetch at {@code fetchOffset}. The follower was caught up at this fetch if it asked
     * for the leader's log end offset, and at the previous fetch if it now reached the log end
     * offset the leader had then.
     */
    void onFetch(long fetchOffset, long leaderLogEndOffset, long nowMs) {
        if (fetchOffset >= leaderLogEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, nowMs);
        } else if (fetchOffset >= lastFetchLeaderLogEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, lastFetchTimeMs);
        }
        logEndOffset = fetchOffset;
        lastFetchLeaderLogEndOffset = leaderLogEndOffset;
        lastFetchTimeMs = nowMs;
    }

    /** In sync: at the leader's log end offset, or caught up within {@code maxLagMs}. */
    boolean isCaughtUp(long leaderLogEndOffset, long nowMs, long maxLagMs) {
        return logEndOffset == leaderLogEndOffset || nowMs - lastCaughtUpTimeMs <= maxLagMs;
    }
}
