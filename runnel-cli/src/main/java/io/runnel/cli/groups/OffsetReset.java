package io.runnel.cli.groups;

import io.runnel.cli.UsageError;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/**
 * Where {@code runnel groups reset-offsets} moves a partition's committed offset, with Kafka's
 * rules: targets outside {@code [earliest, latest]} are clamped into it; {@code --to-datetime}
 * picks the first offset whose timestamp is at or after the time, or the end when there is none;
 * {@code --shift-by} needs a committed offset to shift.
 */
sealed interface OffsetReset {

    /** What is known of one partition when its new offset is chosen. */
    record Partition(Long committed, long earliest, long latest, Long offsetForTime) {
    }

    /** @throws IllegalStateException the strategy cannot be applied to this partition */
    long newOffset(Partition p);

    record ToEarliest() implements OffsetReset {
        public long newOffset(Partition p) {
            return p.earliest();
        }
    }

    record ToLatest() implements OffsetReset {
        public long newOffset(Partition p) {
            return p.latest();
        }
    }

    record ToOffset(long offset) implements OffsetReset {
        public long newOffset(Partition p) {
            return clamp(offset, p);
        }
    }

    record ShiftBy(long delta) implements OffsetReset {
        public long newOffset(Partition p) {
            if (p.committed() == null) {
                throw new IllegalStateException("has no committed offset to shift");
            }
            return clamp(p.committed() + delta, p);
        }
    }

    /** @param timestampMs milliseconds since the epoch */
    record ToDatetime(long timestampMs) implements OffsetReset {
        public long newOffset(Partition p) {
            return p.offsetForTime() == null || p.offsetForTime() < 0 ? p.latest() : clamp(p.offsetForTime(), p);
        }

        /**
         * ISO-8601 with or without a zone offset ({@code 2026-11-27T10:15:30Z},
         * {@code 2026-11-27T10:15:30.000+01:00}, {@code 2026-11-27T10:15:30} in the local zone), as
         * kafka-consumer-groups.sh accepts.
         */
        static ToDatetime parse(String text, ZoneId localZone) {
            try {
                return new ToDatetime(OffsetDateTime.parse(text).toInstant().toEpochMilli());
            } catch (DateTimeException e) {
                try {
                    return new ToDatetime(LocalDateTime.parse(text).atZone(localZone).toInstant().toEpochMilli());
                } catch (DateTimeException e2) {
                    throw new UsageError("--to-datetime '" + text + "' is not a date-time like 2026-11-27T10:15:30Z");
                }
            }
        }
    }

    private static long clamp(long offset, Partition p) {
        return Math.max(p.earliest(), Math.min(p.latest(), offset));
    }
}
