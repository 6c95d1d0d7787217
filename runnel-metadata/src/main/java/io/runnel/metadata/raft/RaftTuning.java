package io.runnel.metadata.raft;

/**
 * Log-size knobs of the metadata quorum. Production uses {@link #DEFAULT}; tests shrink both to
 * exercise snapshots, log purging and snapshot installation with a handful of entries.
 *
 * @param snapshotThreshold log entries between automatic snapshots
 * @param segmentBytes size at which a Raft log segment is closed (only closed segments are purged)
 */
public record RaftTuning(long snapshotThreshold, long segmentBytes) {
    public static final RaftTuning DEFAULT = new RaftTuning(10_000, 16L << 20);
}
