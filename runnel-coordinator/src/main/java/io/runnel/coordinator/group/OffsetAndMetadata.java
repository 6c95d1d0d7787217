package io.runnel.coordinator.group;

/**
 * A committed offset of one partition for one group.
 *
 * @param offset            the next offset the group will consume
 * @param leaderEpoch       the leader epoch of the record before {@code offset}, or -1
 * @param metadata          client metadata (at most {@code offset.metadata.max.bytes})
 * @param commitTimestampMs when the coordinator accepted the commit, ms since the epoch
 */
public record OffsetAndMetadata(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
}
