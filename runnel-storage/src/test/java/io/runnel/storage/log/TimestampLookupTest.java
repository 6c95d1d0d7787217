package io.runnel.storage.log;

import io.runnel.storage.Batches;
import io.runnel.storage.TimestampAndOffset;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampLookupTest {
    @TempDir
    Path root;
    TestLog env;
    SegmentedLog log;
    long t0;

    @BeforeEach
    void setUp() throws Exception {
        env = new TestLog(root);
        log = env.create(TestLog.config(Map.of("internal.segment.bytes", "2048", "index.interval.bytes", "150")));
        t0 = env.time.milliseconds() - 1_000_000;
        for (int i = 0; i < 60; i++) {
            // batch i holds records stamped t0 + 10*i, +1, +2, +3 (compressed: records sit inside)
            log.appendAsLeader(Batches.of(Compression.lz4().build(), t0 + 10L * i, 4, -1, (short) -1, -1), 5);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
        env.close();
    }

    @Test
    void findsTheFirstRecordAtOrAfterTheTimestampInsideABatch() {
        assertThat(log.numberOfSegments()).isGreaterThan(2);
        for (int i = 0; i < 60; i += 7) {
            assertThat(log.offsetForTimestamp(t0 + 10L * i + 2))
                    .contains(new TimestampAndOffset(t0 + 10L * i + 2, 4L * i + 2, 5));
            assertThat(log.offsetForTimestamp(t0 + 10L * i + 5))
                    .contains(new TimestampAndOffset(t0 + 10L * (i + 1), 4L * (i + 1), 5));
        }
        assertThat(log.offsetForTimestamp(t0 - 100)).contains(new TimestampAndOffset(t0, 0, 5));
        assertThat(log.offsetForTimestamp(t0 + 10_000)).isEmpty();
    }

    @Test
    void maxTimestampIsTheLastRecordOfTheLastBatch() {
        assertThat(log.maxTimestampAndOffset()).contains(new TimestampAndOffset(t0 + 593, 239, 5));
    }

    @Test
    void lookupsSurviveAReopen() throws Exception {
        log.close();
        log = env.reopen(log.config(), true, new LogLoader.Checkpoints(240, 0, 240));
        assertThat(log.offsetForTimestamp(t0 + 301)).contains(new TimestampAndOffset(t0 + 301, 121, 5));
        assertThat(log.maxTimestampAndOffset()).contains(new TimestampAndOffset(t0 + 593, 239, 5));
    }
}
