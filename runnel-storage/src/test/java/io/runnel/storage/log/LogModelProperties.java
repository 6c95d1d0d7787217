package io.runnel.storage.log;

import io.runnel.storage.Batches;
import io.runnel.storage.LogConfig;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log against a list of batches kept in memory, under random appends, rolls, retention,
 * DeleteRecords, flushes, clean reopens and crashes (with a torn tail cut from the unflushed
 * bytes). After a crash every flushed batch must still be there and offsets must continue.
 */
class LogModelProperties {

    sealed interface Op permits Append, Roll, Retention, DeleteRecords, Flush, Reopen, Crash, Truncate {
    }

    record Append(int records) implements Op {
    }

    record Roll() implements Op {
    }

    record Retention(long advanceMs) implements Op {
    }

    record DeleteRecords(double fraction) implements Op {
    }

    record Flush() implements Op {
    }

    record Reopen() implements Op {
    }

    record Crash(double tornFraction) implements Op {
    }

    record Truncate(double fraction) implements Op {
    }

    /** A batch the model expects: offsets and record values. */
    record ModelBatch(long baseOffset, List<String> values, int sizeInBytes) {
        long lastOffset() {
            return baseOffset + values.size() - 1;
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.integers().between(1, 8).map(Append::new)),
                Tuple.of(1, Arbitraries.just(new Roll())),
                Tuple.of(2, Arbitraries.longs().between(0, 20_000).map(Retention::new)),
                Tuple.of(1, Arbitraries.doubles().between(0, 1).map(DeleteRecords::new)),
                Tuple.of(2, Arbitraries.just(new Flush())),
                Tuple.of(1, Arbitraries.just(new Reopen())),
                Tuple.of(2, Arbitraries.doubles().between(0, 1).map(Crash::new)),
                Tuple.of(1, Arbitraries.doubles().between(0, 1).map(Truncate::new)));
        return op.list().ofMinSize(5).ofMaxSize(60);
    }

    @Property(tries = 60)
    void logMatchesTheModel(@ForAll("ops") List<Op> ops) throws Exception {
        Path root = Files.createTempDirectory("log-model");
        TestLog env = new TestLog(root);
        LogConfig config = TestLog.config(Map.of("internal.segment.bytes", "1500", "index.interval.bytes", "300",
                "retention.ms", "30000", "retention.bytes", "6000"));
        List<ModelBatch> model = new ArrayList<>();
        long modelStart = 0;
        long modelEnd = 0;
        SegmentedLog log = env.create(config);
        try {
            for (Op op : ops) {
                if (op instanceof Append a) {
                    MemoryRecords records = Batches.of(env.time.milliseconds(), a.records());
                    int size = records.sizeInBytes();
                    List<String> values = valuesOf(records);
                    long first = log.appendAsLeader(records, 0).firstOffset();
                    assertThat(first).isEqualTo(modelEnd);
                    model.add(new ModelBatch(first, values, size));
                    modelEnd += a.records();
                    log.updateHighWatermark(log.logEndOffset());
                    env.time.advance(100);
                } else if (op instanceof Roll) {
                    log.roll();
                } else if (op instanceof Retention r) {
                    env.time.advance(r.advanceMs());
                    log.deleteOldSegments();
                    assertThat(log.logStartOffset()).isGreaterThanOrEqualTo(modelStart);
                    modelStart = log.logStartOffset();
                    env.deletePending();
                } else if (op instanceof DeleteRecords d) {
                    long target = modelStart + (long) ((log.highWatermark() - modelStart) * d.fraction());
                    assertThat(log.deleteRecordsBefore(target)).isEqualTo(Math.max(target, modelStart));
                    modelStart = log.logStartOffset();
                    env.deletePending();
                } else if (op instanceof Flush) {
                    log.flush();
                } else if (op instanceof Reopen) {
                    LogLoader.Checkpoints checkpoints = checkpoints(log);
                    log.close();
                    log = env.reopen(config, true, checkpoints);
                } else if (op instanceof Truncate t) {
                    long target = modelStart + (long) ((modelEnd - modelStart) * t.fraction());
                    long end = log.truncateTo(target);
                    if (target <= log.segmentBaseOffsets().get(0) && end == target) {
                        model.clear();
                        modelStart = target;
                    } else {
                        model.removeIf(b -> b.lastOffset() >= target);
                        assertThat(end).isEqualTo(model.isEmpty() ? end : model.get(model.size() - 1).lastOffset() + 1);
                    }
                    assertThat(end).isLessThanOrEqualTo(Math.max(target, modelStart));
                    modelEnd = end;
                    modelStart = Math.min(modelStart, end);
                    env.deletePending();
                    log.updateHighWatermark(end);
                } else if (op instanceof Crash c) {
                    long flushed = log.recoveryPoint();
                    LogLoader.Checkpoints checkpoints = checkpoints(log);
                    List<Long> bases = log.segmentBaseOffsets();
                    long activeBase = bases.get(bases.size() - 1);
                    log.abandon();
                    tearUnflushedTail(env.dir, activeBase, model, flushed, c.tornFraction());
                    log = env.reopen(config, false, checkpoints);
                    assertThat(log.logEndOffset()).isGreaterThanOrEqualTo(flushed);
                    long end = log.logEndOffset();
                    model.removeIf(b -> b.baseOffset() >= end);
                    if (!model.isEmpty()) {
                        assertThat(model.get(model.size() - 1).lastOffset() + 1).isEqualTo(end);
                    }
                    modelEnd = end;
                    modelStart = Math.min(modelStart, end);
                    log.updateHighWatermark(end);
                }
                long start = modelStart;
                model.removeIf(b -> b.lastOffset() < start);
                checkAgainstModel(log, model, modelStart, modelEnd);
            }
        } finally {
            log.close();
            env.close();
            deleteRecursively(root);
        }
    }

    private static LogLoader.Checkpoints checkpoints(SegmentedLog log) {
        return new LogLoader.Checkpoints(log.recoveryPoint(), log.logStartOffset(), log.highWatermark());
    }

    /** Cuts a random part of the bytes written after the last flush off the active segment. */
    private static void tearUnflushedTail(Path dir, long activeBase, List<ModelBatch> model, long flushed,
                                          double fraction) throws IOException {
        long unflushedBytes = 0;
        for (ModelBatch b : model) {
            if (b.baseOffset() >= activeBase && b.baseOffset() >= flushed) {
                unflushedBytes += b.sizeInBytes();
            }
        }
        long cut = (long) (unflushedBytes * fraction);
        if (cut == 0) {
            return;
        }
        Path file = SegmentFiles.file(dir, activeBase, SegmentFiles.LOG);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - cut);
        }
    }

    private static void checkAgainstModel(SegmentedLog log, List<ModelBatch> model, long start, long end) {
        assertThat(log.logStartOffset()).isEqualTo(start);
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(log.highWatermark()).isBetween(start, end);
        List<ModelBatch> read = new ArrayList<>();
        long next = start;
        while (next < end) {
            List<MutableRecordBatch> batches = io.runnel.storage.Batches.batchesOf(
                    log.read(next, 700, end, true).records());
            assertThat(batches).isNotEmpty();
            for (MutableRecordBatch batch : batches) {
                List<String> values = new ArrayList<>();
                for (Record record : batch) {
                    values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
                }
                read.add(new ModelBatch(batch.baseOffset(), values, batch.sizeInBytes()));
                next = batch.nextOffset();
            }
        }
        assertThat(read).isEqualTo(model);
    }

    private static List<String> valuesOf(MemoryRecords records) {
        List<String> values = new ArrayList<>();
        for (MutableRecordBatch batch : records.batches()) {
            for (Record record : batch) {
                values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
            }
        }
        return values;
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
