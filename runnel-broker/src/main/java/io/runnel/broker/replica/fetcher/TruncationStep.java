package io.runnel.broker.replica.fetcher;

import io.runnel.storage.EpochEndOffset;
import io.runnel.storage.PartitionLog;

/**
 * Where a follower truncates after the leader answered OffsetForLeaderEpoch for the follower's
 * latest epoch (KIP-101, KIP-279).
 *
 * <ul>
 *   <li>The leader knows no epochs (end offset -1): back to the high watermark.</li>
 *   <li>The leader answers without an epoch (an old leader): its end offset or our log end offset,
 *       whichever is smaller.</li>
 *   <li>The leader answers an epoch we also have: the smaller of both end offsets of that epoch.</li>
 *   <li>The leader answers an epoch we lack: truncate to the end of our largest epoch below it and
 *       ask again ({@code complete} false).</li>
 * </ul>
 *
 * @param offset the offset to truncate to
 * @param complete false when another OffsetForLeaderEpoch round must follow
 */
record TruncationStep(long offset, boolean complete) {

    static TruncationStep of(EpochEndOffset leader, PartitionLog log) {
        long logEndOffset = log.logEndOffset();
        if (leader.endOffset() < 0) {
            return new TruncationStep(log.highWatermark(), true);
        }
        if (leader.leaderEpoch() < 0) {
            return new TruncationStep(Math.min(leader.endOffset(), logEndOffset), true);
        }
        EpochEndOffset local = log.endOffsetForEpoch(leader.leaderEpoch());
        if (local.leaderEpoch() == leader.leaderEpoch()) {
            return new TruncationStep(Math.min(leader.endOffset(), local.endOffset()), true);
        }
        if (local.leaderEpoch() < 0 || local.endOffset() < 0) {
            return new TruncationStep(Math.min(leader.endOffset(), logEndOffset), true);
        }
        return new TruncationStep(Math.min(local.endOffset(), logEndOffset), false);
    }
}
