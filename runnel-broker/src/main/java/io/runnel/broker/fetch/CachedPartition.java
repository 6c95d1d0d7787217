package io.runnel.broker.fetch;

import org.apache.kafka.common.message.FetchResponseData;

/**
 * A partition in a fetch session: the client's last request for it and the offsets last sent
 * back, which decide whether an incremental response must include it. Guarded by its session.
 */
final class CachedPartition {
    PartitionFetch request;
    long highWatermark = -1;
    long lastStableOffset = -1;
    long logStartOffset = -1;

    CachedPartition(PartitionFetch request) {
        this.request = request;
    }

    /**
     * KIP-227: an incremental response carries a partition only if it has records, an error, a
     * diverging epoch, a preferred read replica (KIP-392: the partition has no records for the
     * client until it moves), or offsets the client has not seen. Records the offsets as sent
     * when it does.
     */
    boolean mustRespond(FetchResponseData.PartitionData data) {
        boolean changed = data.errorCode() != 0
                || (data.records() != null && data.records().sizeInBytes() > 0)
                || data.highWatermark() != highWatermark
                || data.lastStableOffset() != lastStableOffset
                || data.logStartOffset() != logStartOffset
                || data.divergingEpoch().epoch() >= 0
                || data.preferredReadReplica() >= 0;
        if (changed) {
            highWatermark = data.highWatermark();
            lastStableOffset = data.lastStableOffset();
            logStartOffset = data.logStartOffset();
        }
        return changed;
    }
}
