package io.runnel.storage.cleaner;

import io.runnel.storage.ActiveProducer;
import io.runnel.storage.Batches;
import io.runnel.storage.FileSlice;
import io.runnel.storage.cleaner.CleanerFixture.Entry;
import io.runnel.storage.cleaner.CleanerFixture.Put;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CleanerTest {
    private CleanerFixture fx;

    @BeforeEach
    void setUp() throws IOException {
        fx = new CleanerFixture(Map.of());
    }

    @AfterEach
    void tearDown() throws IOException {
        fx.close();
    }

    /** Writes {@code rounds} updates of keys k0..k(keys-1), one record per batch, value "v<round>". */
    private void updates(int keys, int rounds) {
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < keys; k++) {
                fx.append(List.of(new Put("k" + k, "v" + r)));
            }
        }
    }

    @Test
    void keepsTheLatestValueOfEachKeyAtItsOffsetAndLeavesTheActiveSegmentAlone() throws IOException {
        updates(5, 40);
        long activeBase = fx.log.segments().get(fx.log.segments().size() - 1).baseOffset();
        List<Entry> activeBefore = fx.readAll().stream().filter(e -> e.offset() >= activeBase).toList();

        CleanerStats stats = fx.clean(fx.cleaner(Cleaner.StepListener.NONE), -1);

        assertThat(stats.endOffset()).isEqualTo(activeBase);
        assertThat(stats.recordsRemoved()).isPositive();
        List<Entry> after = fx.readAll();
        List<Entry> cleanPart = after.stream().filter(e -> e.offset() < activeBase).toList();
        assertThat(cleanPart.stream().map(Entry::key).distinct().count()).isEqualTo(cleanPart.size());
        assertThat(after.stream().filter(e -> e.offset() >= activeBase).toList()).isEqualTo(activeBefore);
        for (int k = 0; k < 5; k++) {
            String key = "k" + k;
            Entry last = after.stream().filter(e -> e.key().equals(key)).reduce((a, b) -> b).orElseThrow();
            assertThat(last.value()).isEqualTo("v39");
            assertThat(last.offset()).isEqualTo(39 * 5 + k);
        }
        assertThat(after).extracting(Entry::offset).isSorted();
        assertThat(fx.fileNames()).noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap"));
    }

    @Test
    void tombstoneIsKeptForDeleteRetentionAfterItsFirstCleanThenRemoved() throws IOException {
        updates(3, 10);
        fx.append(List.of(new Put("k2", null)));
        updates(2, 20);
        Cleaner cleaner = fx.cleaner(Cleaner.StepListener.NONE);
        long cleanedAt = fx.time.milliseconds();
        CleanerStats first = fx.clean(cleaner, -1);
        Entry tombstone = fx.readAll().stream().filter(e -> e.key().equals("k2")).findFirst().orElseThrow();
        assertThat(tombstone.value()).isNull();
        assertThat(tombstone.horizonMs()).isEqualTo(cleanedAt + CleanerFixture.DELETE_RETENTION_MS);
        assertThat(first.earliestTombstoneHorizonMs()).isEqualTo(tombstone.horizonMs());

        fx.time.advance(CleanerFixture.DELETE_RETENTION_MS - 1);
        fx.clean(cleaner, first.endOffset());
        assertThat(fx.readAll()).anyMatch(e -> e.key().equals("k2"));

        fx.time.advance(1);
        CleanerStats last = fx.clean(cleaner, first.endOffset());
        assertThat(fx.readAll()).noneMatch(e -> e.key().equals("k2"));
        assertThat(last.earliestTombstoneHorizonMs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void rewrittenBatchesKeepLeaderEpochAndRecordTimestamps() throws IOException {
        for (int r = 0; r < 30; r++) {
            fx.log.appendAsLeader(fx.batch(Compression.NONE, List.of(new Put("a", "v" + r), new Put("b", null)),
                    -1, (short) -1, -1), 7);
            fx.log.updateHighWatermark(fx.log.logEndOffset());
            fx.time.advance(10);
        }
        List<Long> timestampsBefore = new ArrayList<>();
        fx.readBatches().forEach(b -> b.forEach(rec -> timestampsBefore.add(rec.offset() * 1_000_000 + rec.timestamp())));

        fx.clean(fx.cleaner(Cleaner.StepListener.NONE), -1);

        List<MutableRecordBatch> after = fx.readBatches();
        assertThat(after).allMatch(b -> b.partitionLeaderEpoch() == 7);
        assertThat(after.get(0).deleteHorizonMs()).isPresent();
        after.forEach(b -> b.forEach(rec -> assertThat(timestampsBefore).contains(rec.offset() * 1_000_000 + rec.timestamp())));
    }

    @Test
    void compressedBatchesAreRewrittenWithTheirCodec() throws IOException {
        for (int r = 0; r < 30; r++) {
            List<Put> puts = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                puts.add(new Put("k" + k, "value-" + r));
            }
            fx.log.appendAsLeader(fx.batch(Compression.lz4().build(), puts, -1, (short) -1, -1), 0);
            fx.log.updateHighWatermark(fx.log.logEndOffset());
        }
        fx.clean(fx.cleaner(Cleaner.StepListener.NONE), -1);
        List<MutableRecordBatch> batches = fx.readBatches();
        assertThat(batches).allMatch(b -> b.compressionType() == CompressionType.LZ4);
        assertThat(batches).allMatch(b -> { b.ensureValid(); return true; });
        assertThat(fx.readAll()).extracting(Entry::offset).isSorted();
    }

    @Test
    void producersLastBatchStaysEmptySoProducerStateSurvivesARestart() throws IOException {
        long pid = 42;
        for (int seq = 0; seq < 30; seq++) {
            fx.log.appendAsLeader(fx.batch(Compression.NONE, List.of(new Put("k", "v" + seq)), pid, (short) 0, seq), 0);
            fx.log.updateHighWatermark(fx.log.logEndOffset());
        }
        fx.append(List.of(new Put("k", "overwritten by a non-idempotent producer")));
        fx.log.roll();
        fx.log.updateHighWatermark(fx.log.logEndOffset());

        fx.clean(fx.cleaner(Cleaner.StepListener.NONE), -1);

        List<MutableRecordBatch> producerBatches = fx.readBatches().stream().filter(MutableRecordBatch::hasProducerId)
                .toList();
        assertThat(producerBatches).hasSize(1);
        assertThat(producerBatches.get(0).countOrNull()).isZero();
        assertThat(producerBatches.get(0).lastSequence()).isEqualTo(29);
        for (var file : fx.fileNames()) {
            if (file.endsWith(".snapshot")) {
                java.nio.file.Files.delete(fx.dir.resolve(file));
            }
        }
        fx.crashAndReopen();
        assertThat(fx.log.activeProducers()).extracting(ActiveProducer::producerId, ActiveProducer::lastSequence)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(pid, 29));
    }

    @Test
    void aReadStartedBeforeTheSwapStillReadsTheOldBytes() throws IOException {
        updates(4, 30);
        FileSlice before = (FileSlice) fx.log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, true).records();
        int sizeBefore = before.sizeInBytes();

        fx.clean(fx.cleaner(Cleaner.StepListener.NONE), -1);

        List<MutableRecordBatch> old = Batches.batchesOf(before);
        assertThat(old.stream().mapToInt(MutableRecordBatch::sizeInBytes).sum()).isEqualTo(sizeBefore);
        assertThat(old.get(0).baseOffset()).isZero();
    }

    @Test
    void aCrashAfterWritingTheCleanedFileKeepsTheOldSegments() throws IOException {
        updates(4, 30);
        List<Entry> before = fx.readAll();
        Cleaner crashing = fx.cleaner(crashAt(Cleaner.Step.CLEANED_WRITTEN));

        assertThatThrownBy(() -> fx.clean(crashing, -1)).isInstanceOf(SimulatedCrash.class);
        fx.crashAndReopen();

        assertThat(fx.readAll()).isEqualTo(before);
        assertThat(fx.fileNames()).noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap"));
    }

    @Test
    void aCrashAfterTheSwapRenameCompletesTheSwapOnLoad() throws IOException {
        updates(4, 30);
        List<Entry> before = fx.readAll();
        Cleaner crashing = fx.cleaner(crashAt(Cleaner.Step.SWAP_RENAMED));

        assertThatThrownBy(() -> fx.clean(crashing, -1)).isInstanceOf(SimulatedCrash.class);
        fx.crashAndReopen();

        assertLatestValuesKept(before, fx.readAll());
        assertThat(fx.readAll()).hasSizeLessThan(before.size());
        assertThat(fx.fileNames()).noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap"));
    }

    @Test
    void aCrashWhileOldSegmentsAreRenamedCompletesTheSwapOnLoad() throws IOException {
        updates(4, 30);
        List<Entry> before = fx.readAll();
        Cleaner crashing = fx.cleaner((step, file) -> {
            if (step == Cleaner.Step.SWAP_RENAMED) {
                String first = file.getFileName().toString().replace(".swap", "");
                java.nio.file.Files.move(fx.dir.resolve(first), fx.dir.resolve(first + ".deleted"));
                throw new SimulatedCrash();
            }
        });

        assertThatThrownBy(() -> fx.clean(crashing, -1)).isInstanceOf(SimulatedCrash.class);
        fx.crashAndReopen();

        assertLatestValuesKept(before, fx.readAll());
        assertThat(fx.readAll()).extracting(Entry::offset).isSorted();
    }

    @Test
    void aSwapIsAbandonedWhenRetentionRemovedASegmentMeanwhile() throws IOException {
        updates(4, 30);
        Cleaner racing = fx.cleaner((step, file) -> {
            if (step == Cleaner.Step.SWAP_RENAMED) {
                fx.log.updateHighWatermark(fx.log.logEndOffset());
                fx.log.deleteRecordsBefore(fx.log.segments().get(1).baseOffset());
            }
        });
        List<Entry> before = fx.readAll();

        CleanerStats stats = fx.clean(racing, -1);

        assertThat(stats.segmentsCleaned()).isLessThan(fx.log.segments().size() + 100);
        assertThat(fx.fileNames()).noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap"));
        assertLatestValuesKept(before, fx.readAll());
    }

    /** Every key's latest record before is still there, at the same offset with the same value. */
    static void assertLatestValuesKept(List<Entry> before, List<Entry> after) {
        Map<String, Entry> latest = new java.util.HashMap<>();
        before.forEach(e -> latest.put(e.key(), e));
        for (Entry e : latest.values()) {
            if (e.value() != null) {
                assertThat(after).anyMatch(a -> a.offset() == e.offset() && e.value().equals(a.value()));
            }
        }
        assertThat(after).extracting(Entry::offset).isSorted().doesNotHaveDuplicates();
    }

    static Cleaner.StepListener crashAt(Cleaner.Step at) {
        return (step, file) -> {
            if (step == at) {
                throw new SimulatedCrash();
            }
        };
    }

    /** Thrown from a step listener to stop a clean where a crash would. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash() {
            super("simulated crash");
        }
    }
}
