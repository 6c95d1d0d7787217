package io.runnel.storage.cleaner;

import io.runnel.storage.Batches;
import io.runnel.storage.LogConfig;
import io.runnel.storage.log.FileIo;
import io.runnel.storage.log.LogLoader;
import io.runnel.storage.log.LogSegment;
import io.runnel.storage.log.LogServices;
import io.runnel.storage.log.SegmentedLog;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A compacted log in a temp directory with a manual clock, keyed batch builders and a reader
 * that returns every record with its offset. Close it after the test (deletes the directory).
 */
final class CleanerFixture implements AutoCloseable {
    static final TopicPartition TP = new TopicPartition("compacted", 0);
    static final long DELETE_RETENTION_MS = 1000;

    /** A record read back: offset, key, value (null for a tombstone) and its batch's delete horizon (-1 if none). */
    record Entry(long offset, String key, String value, long horizonMs) {
    }

    /** A record to append: value null for a tombstone. */
    record Put(String key, String value) {
    }

    final Path root;
    final Path dir;
    final ManualTime time = new ManualTime();
    final List<LogSegment> pendingDeletes = new ArrayList<>();
    final Uuid topicId = Uuid.randomUuid();
    final LogConfig config;
    private final ExecutorService flusher = Executors.newSingleThreadExecutor();
    SegmentedLog log;

    CleanerFixture(Map<String, String> overrides) throws IOException {
        this.root = Files.createTempDirectory("cleaner");
        this.dir = root.resolve("compacted-0");
        Files.createDirectories(dir);
        Map<String, String> all = new HashMap<>();
        all.put("cleanup.policy", "compact");
        all.put("internal.segment.bytes", "1024");
        all.put("delete.retention.ms", String.valueOf(DELETE_RETENTION_MS));
        all.put("min.cleanable.dirty.ratio", "0.01");
        all.put("message.timestamp.before.max.ms", String.valueOf(Long.MAX_VALUE));
        all.putAll(overrides);
        this.config = LogConfig.create(LogConfig.defaultsFromBroker(Map.of()), all);
        this.log = LogLoader.create(TP, topicId, dir, config, services());
    }

    LogServices services() {
        return new LogServices(time, FileIo.SYSTEM, flusher, (segment, delay) -> pendingDeletes.add(segment));
    }

    Cleaner cleaner(Cleaner.StepListener listener) {
        return new Cleaner(1 << 20, 4096, new Throttler(Double.MAX_VALUE, time), time, listener, () -> false);
    }

    /** Cleans up to the active segment (the high watermark is kept at the log end). */
    CleanerStats clean(Cleaner cleaner, long checkpoint) throws IOException {
        return cleaner.clean(LogToClean.of(log, checkpoint, time.milliseconds()));
    }

    /** Appends one batch and moves the high watermark to the log end. */
    void append(List<Put> puts) {
        log.appendAsLeader(batch(Compression.NONE, puts, RecordBatch.NO_PRODUCER_ID, (short) -1, -1), 0);
        log.updateHighWatermark(log.logEndOffset());
    }

    /** Appends one transactional batch and moves the high watermark to the log end. */
    void appendTxn(List<Put> puts, long producerId, short epoch, int baseSequence) {
        log.appendAsLeader(batch(Compression.NONE, puts, producerId, epoch, baseSequence, true), 0);
        log.updateHighWatermark(log.logEndOffset());
    }

    /** Appends a COMMIT or ABORT marker and moves the high watermark to the log end. */
    void marker(long producerId, short epoch, boolean commit) {
        log.appendMarker(producerId, epoch, commit, 0, 0);
        log.updateHighWatermark(log.logEndOffset());
    }

    MemoryRecords batch(Compression compression, List<Put> puts, long producerId, short epoch, int baseSequence) {
        return batch(compression, puts, producerId, epoch, baseSequence, false);
    }

    MemoryRecords batch(Compression compression, List<Put> puts, long producerId, short epoch, int baseSequence,
                        boolean transactional) {
        ByteBuffer buf = ByteBuffer.allocate(1024 + puts.size() * 256);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buf, RecordBatch.MAGIC_VALUE_V2, compression,
                TimestampType.CREATE_TIME, 0L, time.milliseconds(), producerId, epoch, baseSequence, transactional,
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (Put put : puts) {
            builder.append(new SimpleRecord(time.milliseconds(), bytes(put.key()), bytes(put.value())));
        }
        return builder.build();
    }

    /** Every record from the log start to the log end, in log order. */
    List<Entry> readAll() {
        List<Entry> entries = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            List<MutableRecordBatch> batches = Batches.batchesOf(log.read(offset, Integer.MAX_VALUE, Long.MAX_VALUE,
                    true).records());
            if (batches.isEmpty()) {
                break;
            }
            for (MutableRecordBatch batch : batches) {
                long horizon = batch.deleteHorizonMs().orElse(-1);
                for (Record record : batch) {
                    if (record.offset() >= offset) {
                        entries.add(new Entry(record.offset(), string(record.key()), string(record.value()), horizon));
                    }
                }
                offset = batch.lastOffset() + 1;
            }
        }
        return entries;
    }

    /** Batches from the log start to the log end. */
    List<MutableRecordBatch> readBatches() {
        List<MutableRecordBatch> all = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            List<MutableRecordBatch> batches = Batches.batchesOf(log.read(offset, Integer.MAX_VALUE, Long.MAX_VALUE,
                    true).records());
            if (batches.isEmpty()) {
                break;
            }
            all.addAll(batches);
            offset = batches.get(batches.size() - 1).lastOffset() + 1;
        }
        return all;
    }

    /** Stops like a crash (nothing flushed or written) and opens the directory again, recovering it. */
    void crashAndReopen() throws IOException {
        log.abandon();
        deletePending();
        log = LogLoader.load(TP, topicId, dir, config, services(), false, new LogLoader.Checkpoints(0, 0, 0));
        log.updateHighWatermark(log.logEndOffset());
    }

    /** Closes cleanly and opens again. */
    void reopen() throws IOException {
        log.close();
        deletePending();
        log = LogLoader.load(TP, topicId, dir, config, services(), true, new LogLoader.Checkpoints(0, 0, 0));
        log.updateHighWatermark(log.logEndOffset());
    }

    void deletePending() throws IOException {
        for (LogSegment segment : pendingDeletes) {
            segment.closeAndDelete();
        }
        pendingDeletes.clear();
    }

    List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public void close() throws IOException {
        log.abandon();
        deletePending();
        flusher.shutdown();
        try {
            flusher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
