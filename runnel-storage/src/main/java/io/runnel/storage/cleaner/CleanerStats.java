package io.runnel.storage.cleaner;

/**
 * What one clean of one log did (logged at INFO).
 *
 * @param firstDirtyOffset where the dirty section started
 * @param endOffset offset below which the log is now clean: the next clean's first dirty offset
 * @param bytesRead bytes read, building the offset map and copying
 * @param bytesWritten bytes written to cleaned segments
 * @param recordsRead records seen while copying
 * @param recordsRemoved records dropped (superseded values and expired tombstones)
 * @param segmentsCleaned old segments replaced
 * @param earliestTombstoneHorizonMs the soonest delete horizon among the tombstones kept, or
 *     {@link Long#MAX_VALUE} when none was kept: the log needs another clean then
 */
public record CleanerStats(long firstDirtyOffset, long endOffset, long bytesRead, long bytesWritten,
                           long recordsRead, long recordsRemoved, int segmentsCleaned,
                           long earliestTombstoneHorizonMs) {
}
