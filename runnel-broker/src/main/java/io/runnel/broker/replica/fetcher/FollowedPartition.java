package io.runnel.broker.replica.fetcher;

import io.runnel.broker.replica.Partition;

/**
 * A partition one fetcher follows, in the leader epoch it was told of: first truncating (until
 * OffsetForLeaderEpoch rounds complete), then fetching from the log end offset.
 *
 * <p>Not thread-safe: guarded by its fetcher's lock. A new leader epoch replaces the object, so
 * an answer for a replaced one is recognised and dropped.
 */
final class FollowedPartition {
    final Partition partition;
    final int leaderEpoch;
    boolean truncating = true;
    /** No request for this partition before this time (ms, the fetcher's Time); 0 for none. */
    long delayedUntilMs;

    FollowedPartition(Partition partition, int leaderEpoch) {
        this.partition = partition;
        this.leaderEpoch = leaderEpoch;
    }

    boolean ready(long nowMs) {
        return nowMs >= delayedUntilMs;
    }
}
