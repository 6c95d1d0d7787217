package io.runnel.cli.groups;

import io.runnel.cli.UsageError;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OffsetResetTest {
    private static final OffsetReset.Partition COMMITTED_50 = new OffsetReset.Partition(50L, 10, 100, null);

    @Test
    void earliestAndLatestAreTheLogBounds() {
        assertThat(new OffsetReset.ToEarliest().newOffset(COMMITTED_50)).isEqualTo(10);
        assertThat(new OffsetReset.ToLatest().newOffset(COMMITTED_50)).isEqualTo(100);
    }

    @Test
    void toOffsetIsClampedIntoTheLog() {
        assertThat(new OffsetReset.ToOffset(42).newOffset(COMMITTED_50)).isEqualTo(42);
        assertThat(new OffsetReset.ToOffset(3).newOffset(COMMITTED_50)).isEqualTo(10);
        assertThat(new OffsetReset.ToOffset(1_000).newOffset(COMMITTED_50)).isEqualTo(100);
    }

    @Test
    void shiftByMovesTheCommittedOffsetWithinTheLog() {
        assertThat(new OffsetReset.ShiftBy(-20).newOffset(COMMITTED_50)).isEqualTo(30);
        assertThat(new OffsetReset.ShiftBy(-45).newOffset(COMMITTED_50)).isEqualTo(10);
        assertThat(new OffsetReset.ShiftBy(70).newOffset(COMMITTED_50)).isEqualTo(100);
        assertThatThrownBy(() -> new OffsetReset.ShiftBy(1).newOffset(new OffsetReset.Partition(null, 0, 5, null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no committed offset");
    }

    @Test
    void toDatetimeTakesTheFirstOffsetAtOrAfterTheTimeElseTheEnd() {
        OffsetReset reset = new OffsetReset.ToDatetime(1_000);
        assertThat(reset.newOffset(new OffsetReset.Partition(50L, 10, 100, 77L))).isEqualTo(77);
        assertThat(reset.newOffset(new OffsetReset.Partition(50L, 10, 100, -1L))).isEqualTo(100);
    }

    @Test
    void parsesIsoDatetimesWithAndWithoutZone() {
        assertThat(OffsetReset.ToDatetime.parse("1970-01-01T00:00:01Z", ZoneId.of("UTC")).timestampMs()).isEqualTo(1_000);
        assertThat(OffsetReset.ToDatetime.parse("1970-01-01T01:00:01.500+01:00", ZoneId.of("UTC")).timestampMs())
                .isEqualTo(1_500);
        assertThat(OffsetReset.ToDatetime.parse("1970-01-01T00:00:02", ZoneOffset.ofHours(-1)).timestampMs())
                .isEqualTo(3_600_000 + 2_000);
        assertThatThrownBy(() -> OffsetReset.ToDatetime.parse("yesterday", ZoneId.of("UTC")))
                .isInstanceOf(UsageError.class).hasMessageContaining("'yesterday'");
    }
}
