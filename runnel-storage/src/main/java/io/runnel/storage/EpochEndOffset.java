package io.runnel.storage;

/**
 * Answer to OffsetForLeaderEpoch: the largest epoch at or below the requested one that this log
 * knows, and its end offset; both -1 when the log has no such epoch.
 */
public record EpochEndOffset(int leaderEpoch, long endOffset) {
}
