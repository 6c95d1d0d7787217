package io.runnel.storage.log;

import io.runnel.storage.Batches;
import io.runnel.storage.LogConfig;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RecoveryTest {
    @TempDir
    Path root;
    TestLog env;
    LogConfig config = TestLog.config(Map.of("internal.segment.bytes", "4096", "index.interval.bytes", "200"));

    @BeforeEach
    void setUp() {
        env = new TestLog(root);
    }

    @AfterEach
    void tearDown() throws Exception {
        env.close();
    }

    private SegmentedLog filled(int batches) throws Exception {
        SegmentedLog log = env.create(config);
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(Batches.of(env.time.milliseconds(), 3), 1);
        }
        return log;
    }

    private Path activeLogFile(SegmentedLog log) {
        List<Long> bases = log.segmentBaseOffsets();
        return SegmentFiles.file(env.dir, bases.get(bases.size() - 1), SegmentFiles.LOG);
    }

    @Test
    void tornTailIsTruncatedToTheLastWholeBatch() throws Exception {
        SegmentedLog log = filled(40);
        Path file = activeLogFile(log);
        log.abandon();
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size - 7);
        }

        SegmentedLog recovered = env.reopen(config, false, new LogLoader.Checkpoints(0, 0, 0));

        assertThat(recovered.logEndOffset()).isEqualTo(117);
        assertThat(Files.size(file)).isLessThan(size - 7);
        assertThat(recovered.appendAsLeader(Batches.of(env.time.milliseconds(), 1), 1).firstOffset()).isEqualTo(117);
        recovered.updateHighWatermark(recovered.logEndOffset());
        assertThat(Batches.batchesOf(recovered.read(110, 1 << 20, 200, true).records()))
                .extracting(MutableRecordBatch::baseOffset).containsExactly(108L, 111L, 114L, 117L);
        recovered.close();
    }

    @Test
    void corruptBatchInTheMiddleDropsItAndEverythingAfter() throws Exception {
        SegmentedLog log = filled(5);
        Path file = activeLogFile(log);
        int batchSize = (int) (Files.size(file) / 5);
        log.abandon();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(2L * batchSize + 70);
            raf.write(raf.read() ^ 0xFF);
        }

        SegmentedLog recovered = env.reopen(config, false, new LogLoader.Checkpoints(0, 0, 0));

        assertThat(recovered.logEndOffset()).isEqualTo(6);
        assertThat(Files.size(file)).isEqualTo(2L * batchSize);
        recovered.close();
    }

    @Test
    void segmentsBeforeTheRecoveryPointAreNotScanned() throws Exception {
        SegmentedLog log = filled(100);
        log.flush();
        long recoveryPoint = log.recoveryPoint();
        assertThat(log.numberOfSegments()).isGreaterThan(2);
        Path first = SegmentFiles.file(env.dir, 0, SegmentFiles.LOG);
        log.abandon();
        try (RandomAccessFile raf = new RandomAccessFile(first.toFile(), "rw")) {
            raf.seek(100);
            raf.write(raf.read() ^ 0xFF);
        }

        SegmentedLog recovered = env.reopen(config, false, new LogLoader.Checkpoints(recoveryPoint, 0, 0));

        assertThat(recovered.logEndOffset()).isEqualTo(300);
        recovered.close();
    }

    @Test
    void missingIndexesAreRebuilt() throws Exception {
        SegmentedLog log = filled(100);
        log.close();
        Files.delete(SegmentFiles.file(env.dir, 0, SegmentFiles.INDEX));
        Files.delete(SegmentFiles.file(env.dir, 0, SegmentFiles.TIME_INDEX));

        SegmentedLog reopened = env.reopen(config, true, new LogLoader.Checkpoints(300, 0, 300));

        assertThat(SegmentFiles.file(env.dir, 0, SegmentFiles.INDEX)).exists();
        assertThat(Files.size(SegmentFiles.file(env.dir, 0, SegmentFiles.INDEX))).isPositive();
        for (long offset = 0; offset < 300; offset += 7) {
            MutableRecordBatch batch = Batches.batchesOf(reopened.read(offset, 1, 300, true).records()).get(0);
            assertThat(batch.baseOffset()).isEqualTo(offset / 3 * 3);
        }
        reopened.close();
    }
}
