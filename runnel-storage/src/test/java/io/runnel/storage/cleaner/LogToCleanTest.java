package io.runnel.storage.cleaner;

import io.runnel.storage.cleaner.CleanerFixture.Put;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LogToCleanTest {

    private static void fill(CleanerFixture fx, int records) {
        for (int i = 0; i < records; i++) {
            fx.append(List.of(new Put("k" + (i % 4), "value-" + i)));
        }
    }

    @Test
    void dirtyRatioDecidesOnceSomethingWasCleaned() throws IOException {
        try (CleanerFixture fx = new CleanerFixture(Map.of("min.cleanable.dirty.ratio", "0.5"))) {
            fill(fx, 100);
            LogToClean first = LogToClean.of(fx.log, -1, fx.time.milliseconds());
            assertThat(first.dirtyRatio()).isEqualTo(1.0);
            assertThat(first.shouldClean()).isTrue();
            CleanerStats stats = fx.clean(fx.cleaner(Cleaner.StepListener.NONE), -1);

            LogToClean afterClean = LogToClean.of(fx.log, stats.endOffset(), fx.time.milliseconds());
            assertThat(afterClean.cleanBytes()).isPositive();
            assertThat(afterClean.cleanableBytes()).isZero();
            assertThat(afterClean.shouldClean()).isFalse();

            fill(fx, 8);
            fx.log.roll();
            fx.log.updateHighWatermark(fx.log.logEndOffset());
            LogToClean littleDirt = LogToClean.of(fx.log, stats.endOffset(), fx.time.milliseconds());
            assertThat(littleDirt.cleanableBytes()).isPositive();

            fill(fx, 100);
            LogToClean dirtyAgain = LogToClean.of(fx.log, stats.endOffset(), fx.time.milliseconds());
            assertThat(dirtyAgain.dirtyRatio()).isGreaterThanOrEqualTo(0.5);
            assertThat(dirtyAgain.shouldClean()).isTrue();
        }
    }

    @Test
    void neverReachesIntoTheActiveSegmentOrPastTheHighWatermark() throws IOException {
        try (CleanerFixture fx = new CleanerFixture(Map.of())) {
            fill(fx, 60);
            long activeBase = fx.log.segments().get(fx.log.segments().size() - 1).baseOffset();
            assertThat(LogToClean.of(fx.log, -1, fx.time.milliseconds()).firstUncleanableOffset()).isEqualTo(activeBase);
        }
        try (CleanerFixture fx = new CleanerFixture(Map.of())) {
            fx.log.appendAsLeader(fx.batch(org.apache.kafka.common.compress.Compression.NONE,
                    List.of(new Put("a", "1")), -1, (short) -1, -1), 0);
            fx.log.roll();
            assertThat(fx.log.highWatermark()).isZero();
            LogToClean ltc = LogToClean.of(fx.log, -1, fx.time.milliseconds());
            assertThat(ltc.firstUncleanableOffset()).isZero();
            assertThat(ltc.shouldClean()).isFalse();
        }
    }

    @Test
    void minCompactionLagKeepsYoungSegmentsDirty() throws IOException {
        try (CleanerFixture fx = new CleanerFixture(Map.of("min.compaction.lag.ms", "10000"))) {
            fill(fx, 60);
            LogToClean young = LogToClean.of(fx.log, -1, fx.time.milliseconds());
            assertThat(young.firstUncleanableOffset()).isZero();
            assertThat(young.shouldClean()).isFalse();

            fx.time.advance(10_001);
            LogToClean old = LogToClean.of(fx.log, -1, fx.time.milliseconds());
            assertThat(old.firstUncleanableOffset()).isPositive();
            assertThat(old.shouldClean()).isTrue();
        }
    }

    @Test
    void maxCompactionLagForcesACleanBelowTheRatio() throws IOException {
        try (CleanerFixture fx = new CleanerFixture(Map.of("min.cleanable.dirty.ratio", "0.9",
                "max.compaction.lag.ms", "5000"))) {
            fill(fx, 100);
            CleanerStats stats = fx.clean(fx.cleaner(Cleaner.StepListener.NONE), -1);
            fx.time.advance(1);
            fill(fx, 30);
            LogToClean fresh = LogToClean.of(fx.log, stats.endOffset(), fx.time.milliseconds());
            assertThat(fresh.dirtyRatio()).isLessThan(0.9);
            assertThat(fresh.needsCompactionNow()).isFalse();
            assertThat(fresh.shouldClean()).isFalse();

            fx.time.advance(5_000);
            LogToClean overdue = LogToClean.of(fx.log, stats.endOffset(), fx.time.milliseconds());
            assertThat(overdue.needsCompactionNow()).isTrue();
            assertThat(overdue.shouldClean()).isTrue();
        }
    }

    @Test
    void aCheckpointOutsideTheLogRestartsFromTheLogStart() throws IOException {
        try (CleanerFixture fx = new CleanerFixture(Map.of())) {
            fill(fx, 60);
            assertThat(LogToClean.of(fx.log, 10_000, fx.time.milliseconds()).firstDirtyOffset()).isZero();
        }
    }
}
