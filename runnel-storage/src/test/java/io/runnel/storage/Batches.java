package io.runnel.storage;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.record.internal.BaseRecords;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds produce-style batches and reads back what a log returns. */
public final class Batches {
    private Batches() {
    }

    /** One uncompressed batch of {@code count} records stamped {@code timestamp}, as a producer sends it. */
    public static MemoryRecords of(long timestamp, int count) {
        return of(Compression.NONE, timestamp, count, RecordBatch.NO_PRODUCER_ID, (short) -1, -1);
    }

    /** An idempotent producer's batch. */
    public static MemoryRecords idempotent(long timestamp, int count, long producerId, short epoch, int baseSequence) {
        return of(Compression.NONE, timestamp, count, producerId, epoch, baseSequence);
    }

    /** A transactional producer's batch. */
    public static MemoryRecords transactional(long timestamp, int count, long producerId, short epoch,
                                              int baseSequence) {
        return of(Compression.NONE, timestamp, count, producerId, epoch, baseSequence, true);
    }

    public static MemoryRecords of(Compression compression, long timestamp, int count, long producerId, short epoch,
                                   int baseSequence) {
        return of(compression, timestamp, count, producerId, epoch, baseSequence, false);
    }

    private static MemoryRecords of(Compression compression, long timestamp, int count, long producerId, short epoch,
                                    int baseSequence, boolean transactional) {
        ByteBuffer buf = ByteBuffer.allocate(1024 + count * 128);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buf, RecordBatch.MAGIC_VALUE_V2, compression,
                TimestampType.CREATE_TIME, 0L, timestamp, producerId, epoch, baseSequence, transactional,
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (int i = 0; i < count; i++) {
            builder.append(new SimpleRecord(timestamp + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("value-" + i + "-" + timestamp).getBytes(StandardCharsets.UTF_8)));
        }
        return builder.build();
    }

    /** The bytes of a read result, as heap records. */
    public static MemoryRecords bytesOf(BaseRecords records) {
        if (records instanceof MemoryRecords memory) {
            return memory;
        }
        FileSlice slice = (FileSlice) records;
        ByteBuffer buf = ByteBuffer.allocate(slice.sizeInBytes());
        try {
            while (buf.hasRemaining()) {
                if (slice.channel().read(buf, slice.position() + buf.position()) < 0) {
                    throw new IOException("short read");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buf.flip();
        return MemoryRecords.readableRecords(buf);
    }

    public static List<MutableRecordBatch> batchesOf(BaseRecords records) {
        List<MutableRecordBatch> list = new ArrayList<>();
        bytesOf(records).batches().forEach(list::add);
        return list;
    }
}
