package io.runnel.storage.log;

import io.runnel.storage.Batches;
import io.runnel.storage.LogReadInfo;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Readers running alongside appends and rolls only ever see whole, valid, contiguous batches. */
class ConcurrentReadTest {
    @TempDir
    Path root;
    TestLog env;
    final ExecutorService readers = Executors.newFixedThreadPool(2);

    @BeforeEach
    void setUp() {
        env = new TestLog(root);
    }

    @AfterEach
    void tearDown() throws Exception {
        readers.shutdownNow();
        readers.awaitTermination(10, TimeUnit.SECONDS);
        env.close();
    }

    @Test
    void readersSeeAConsistentPrefix() throws Exception {
        SegmentedLog log = env.create(TestLog.config(Map.of("internal.segment.bytes", "4096",
                "index.interval.bytes", "256")));
        AtomicBoolean done = new AtomicBoolean();
        Future<Long> batchesSeen = readers.submit(() -> {
            long seen = 0;
            while (!done.get()) {
                long next = 0;
                long end = log.logEndOffset();
                while (next < end) {
                    LogReadInfo info = log.read(next, 2048, end, true);
                    List<MutableRecordBatch> batches = io.runnel.storage.Batches.batchesOf(info.records());
                    assertThat(batches).isNotEmpty();
                    for (MutableRecordBatch batch : batches) {
                        assertThat(batch.isValid()).isTrue();
                        assertThat(batch.baseOffset()).isEqualTo(next);
                        next = batch.nextOffset();
                        seen++;
                    }
                }
            }
            return seen;
        });
        for (int i = 0; i < 2000; i++) {
            log.appendAsLeader(Batches.of(env.time.milliseconds(), 1 + i % 5), 0);
        }
        done.set(true);
        assertThat(batchesSeen.get(30, TimeUnit.SECONDS)).isPositive();
        assertThat(log.numberOfSegments()).isGreaterThan(10);
        log.close();
    }
}
