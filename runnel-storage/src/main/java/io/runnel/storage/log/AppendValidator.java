package io.runnel.storage.log;

import io.runnel.storage.LogConfig;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Checks a produce request's batches from their headers alone (no decompression, no record
 * iteration): magic v2, whole batches, CRC32C, size against {@code max.message.bytes}, record
 * count against the offset delta, no control batches from clients, and CreateTime timestamps
 * (the header's base and max timestamps) within {@code message.timestamp.before/after.max.ms}.
 * The one exception: in a compacted topic every record must carry a key, so there the records'
 * headers are read (key and value skipped; a compressed batch is decompressed for that, as
 * Kafka does for compacted topics).
 *
 * <p>Stateless and thread-safe.
 */
final class AppendValidator {
    private AppendValidator() {
    }

    /**
     * @return the largest max timestamp among the batches (-1 if none carries one)
     */
    static long validate(MemoryRecords records, LogConfig config, long nowMs) {
        int validBytes = 0;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        boolean createTime = config.messageTimestampType() == TimestampType.CREATE_TIME;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
                throw new UnsupportedForMessageFormatException("Record batch magic " + batch.magic()
                        + " is not supported: produce requests must use magic v2");
            }
            if (batch.sizeInBytes() > config.maxMessageBytes()) {
                throw new RecordTooLargeException("The batch size " + batch.sizeInBytes()
                        + " is larger than max.message.bytes " + config.maxMessageBytes());
            }
            batch.ensureValid();
            long countFromOffsets = batch.lastOffset() - batch.baseOffset() + 1;
            Integer count = batch.countOrNull();
            if (countFromOffsets <= 0 || count == null || count != countFromOffsets) {
                throw new InvalidRecordException("Batch record count " + count
                        + " does not match its last offset delta + 1 (" + countFromOffsets + ")");
            }
            if (batch.isControlBatch()) {
                throw new InvalidRecordException("Clients are not allowed to write control records");
            }
            if (batch.isTransactional() && !batch.hasProducerId()) {
                throw new InvalidRecordException("A transactional batch must carry a producer id");
            }
            if (config.compactEnabled() && batch instanceof DefaultRecordBatch v2) {
                checkKeys(v2);
            }
            if (createTime) {
                if (batch instanceof DefaultRecordBatch v2) {
                    checkTimestamp(v2.baseTimestamp(), config, nowMs);
                }
                checkTimestamp(batch.maxTimestamp(), config, nowMs);
            }
            maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
            validBytes += batch.sizeInBytes();
        }
        if (validBytes == 0) {
            throw new InvalidRecordException("Produce requests must carry at least one record batch per partition");
        }
        if (validBytes != records.sizeInBytes()) {
            throw new CorruptRecordException("The request carries " + (records.sizeInBytes() - validBytes)
                    + " bytes that are not a whole record batch");
        }
        return maxTimestamp;
    }

    /**
     * Checks batches replicated from the leader: magic v2, whole batches, CRC32C, and offsets
     * increasing from at least {@code logEndOffset} (gaps are allowed: the leader may be compacted).
     *
     * @return the largest max timestamp among the batches (-1 if none carries one)
     */
    static long validateReplicated(MemoryRecords records, long logEndOffset) {
        int validBytes = 0;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        long nextOffset = logEndOffset;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
                throw new UnsupportedForMessageFormatException("Replicated batch magic " + batch.magic()
                        + " is not supported");
            }
            batch.ensureValid();
            if (batch.baseOffset() < nextOffset || batch.lastOffset() < batch.baseOffset()) {
                throw new InvalidRecordException("Replicated batch at offset " + batch.baseOffset()
                        + " does not follow offset " + (nextOffset - 1));
            }
            nextOffset = batch.lastOffset() + 1;
            maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
            validBytes += batch.sizeInBytes();
        }
        if (validBytes != records.sizeInBytes()) {
            throw new CorruptRecordException("The replicated records carry " + (records.sizeInBytes() - validBytes)
                    + " bytes that are not a whole record batch");
        }
        return maxTimestamp;
    }

    /** Compacted topics cannot hold records without a key: the cleaner would have nothing to keep them by. */
    private static void checkKeys(DefaultRecordBatch batch) {
        try (CloseableIterator<Record> records = batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                if (!records.next().hasKey()) {
                    throw new InvalidRecordException("Compacted topic cannot accept message without key");
                }
            }
        }
    }

    private static void checkTimestamp(long timestamp, LogConfig config, long nowMs) {
        if (timestamp == RecordBatch.NO_TIMESTAMP) {
            return;
        }
        if (timestamp < nowMs - config.messageTimestampBeforeMaxMs()
                || timestamp - nowMs > config.messageTimestampAfterMaxMs()) {
            throw new InvalidTimestampException("Timestamp " + timestamp + " of a batch is out of range: broker time "
                    + nowMs + ", message.timestamp.before.max.ms " + config.messageTimestampBeforeMaxMs()
                    + ", message.timestamp.after.max.ms " + config.messageTimestampAfterMaxMs());
        }
    }
}
