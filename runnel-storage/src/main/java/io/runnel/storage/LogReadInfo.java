package io.runnel.storage;

import org.apache.kafka.common.record.internal.BaseRecords;

/**
 * The result of a read: the record bytes, which are a {@link FileSlice} of a segment file (so the
 * network layer can send them with zero copy) or empty records, plus the offsets the fetch
 * response reports.
 */
public record LogReadInfo(BaseRecords records, long highWatermark, long logStartOffset, long logEndOffset) {
}
