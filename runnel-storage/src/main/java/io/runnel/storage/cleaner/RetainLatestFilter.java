package io.runnel.storage.cleaner;

import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.Map;
import java.util.OptionalLong;

/**
 * Decides, record by record, what a clean keeps (Kafka's cleaner semantics), for
 * {@link MemoryRecords#filterTo}, which rewrites each batch with what is kept, re-compressed
 * with the batch's codec, and stamps a batch that keeps a tombstone and has no delete horizon
 * yet with {@code now + delete.retention.ms} (the DELETE_HORIZON attribute, base timestamp).
 *
 * <p>Kept: records at or after the clean's end offset (the offset map does not cover them); the
 * latest record of each key (by the offset map); a latest tombstone while its batch has no
 * delete horizon or the horizon has not passed; transaction markers, except one that
 * {@link CleanedTransactions} lets go: it is stamped with a delete horizon on the first such
 * clean and removed by a clean after the horizon (as a tombstone is). Dropped: records of
 * aborted transactions, superseded records, expired tombstones and records without a key
 * (compacted topics reject them on produce). A batch left empty goes, unless it is its
 * producer's last batch: then it stays empty, so producer state (sequence, epoch) survives a
 * restart.
 *
 * <p>Not thread-safe: one per segment group of one clean.
 */
final class RetainLatestFilter extends MemoryRecords.RecordFilter {
    private final OffsetMap map;
    private final long endOffset;
    private final Map<Long, Long> producerLastOffsets;
    private final CleanedTransactions txns;
    private boolean discardBatchRecords;
    private long earliestHorizonMs = Long.MAX_VALUE;

    /**
     * @param endOffset records at or after it are kept (beyond the offset map)
     * @param producerLastOffsets last offset of each producer's last data batch
     * @param txns the aborted transactions of the group being cleaned, walked batch by batch
     */
    RetainLatestFilter(OffsetMap map, long endOffset, Map<Long, Long> producerLastOffsets, CleanedTransactions txns,
                       long nowMs, long deleteRetentionMs) {
        super(nowMs, deleteRetentionMs);
        this.map = map;
        this.endOffset = endOffset;
        this.producerLastOffsets = producerLastOffsets;
        this.txns = txns;
    }

    @Override
    protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
        boolean canDiscard;
        if (batch.isControlBatch()) {
            canDiscard = txns.onControlBatch(batch) && batch.lastOffset() < endOffset;
            OptionalLong horizon = batch.deleteHorizonMs();
            discardBatchRecords = canDiscard && horizon.isPresent() && horizon.getAsLong() <= currentTime;
            if (canDiscard && !discardBatchRecords) {
                earliestHorizonMs = Math.min(earliestHorizonMs,
                        horizon.isPresent() ? horizon.getAsLong() : currentTime + deleteRetentionMs);
            }
        } else {
            canDiscard = txns.onDataBatch(batch);
            discardBatchRecords = canDiscard;
        }
        boolean producersLast = batch.hasProducerId()
                && Long.valueOf(batch.lastOffset()).equals(producerLastOffsets.get(batch.producerId()));
        BatchRetention retention = producersLast ? BatchRetention.RETAIN_EMPTY
                : discardBatchRecords ? BatchRetention.DELETE : BatchRetention.DELETE_EMPTY;
        return new BatchRetentionResult(retention, canDiscard && batch.isControlBatch());
    }

    @Override
    protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
        if (discardBatchRecords) {
            return false;
        }
        if (batch.isControlBatch()) {
            return true;
        }
        boolean keep;
        if (record.offset() >= endOffset) {
            keep = true;
        } else if (!record.hasKey() || record.offset() < map.get(record.key())) {
            keep = false;
        } else {
            OptionalLong horizon = batch.deleteHorizonMs();
            keep = record.hasValue() || horizon.isEmpty() || currentTime < horizon.getAsLong();
        }
        if (keep && !record.hasValue()) {
            OptionalLong horizon = batch.deleteHorizonMs();
            earliestHorizonMs = Math.min(earliestHorizonMs,
                    horizon.isPresent() ? horizon.getAsLong() : currentTime + deleteRetentionMs);
        }
        return keep;
    }

    /** Soonest delete horizon of the tombstones and removable markers kept so far, or {@link Long#MAX_VALUE}. */
    long earliestHorizonMs() {
        return earliestHorizonMs;
    }
}
