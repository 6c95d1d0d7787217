package io.runnel.cli.console;

import io.runnel.cli.UsageError;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where the console consumer starts in each assigned partition: the log end (default), the log
 * start, a given offset, or the first record at or after a timestamp (the log end where none is).
 */
sealed interface StartPosition {
    record Latest() implements StartPosition {
    }

    record Earliest() implements StartPosition {
    }

    /** @param offset an offset of the one chosen partition */
    record AtOffset(long offset) implements StartPosition {
    }

    /** @param timestampMs epoch milliseconds */
    record AtTime(long timestampMs) implements StartPosition {
    }

    /** Positions {@code consumer} on {@code partitions}, already assigned to it. */
    default void seek(Consumer<?, ?> consumer, List<TopicPartition> partitions) {
        if (this instanceof Earliest) {
            consumer.seekToBeginning(partitions);
        } else if (this instanceof AtOffset at) {
            partitions.forEach(tp -> consumer.seek(tp, at.offset()));
        } else if (this instanceof AtTime at) {
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(
                    partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> at.timestampMs())));
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp offset = found.get(tp);
                if (offset != null) {
                    consumer.seek(tp, offset.offset());
                } else {
                    consumer.seekToEnd(List.of(tp));
                }
            }
        } else {
            consumer.seekToEnd(partitions);
        }
    }

    /** {@code --offset}: a non-negative offset, "earliest" or "latest". */
    static StartPosition ofOffset(String value) {
        switch (value) {
            case "earliest":
                return new Earliest();
            case "latest":
                return new Latest();
            default:
                try {
                    long offset = Long.parseLong(value);
                    if (offset >= 0) {
                        return new AtOffset(offset);
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new UsageError("--offset must be a non-negative offset, earliest or latest, was '" + value + "'");
        }
    }

    /** {@code --from-time}: epoch milliseconds or an ISO-8601 date-time (UTC when it has no zone). */
    static StartPosition ofTime(String value) {
        try {
            if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                return new AtTime(Long.parseLong(value));
            }
            return new AtTime(Instant.parse(value).toEpochMilli());
        } catch (NumberFormatException | DateTimeParseException notEpochOrInstant) {
            return ofZonedOrLocalTime(value);
        }
    }

    private static StartPosition ofZonedOrLocalTime(String value) {
        try {
            return new AtTime(OffsetDateTime.parse(value).toInstant().toEpochMilli());
        } catch (DateTimeParseException notOffset) {
            try {
                return new AtTime(LocalDateTime.parse(value).toInstant(ZoneOffset.UTC).toEpochMilli());
            } catch (DateTimeParseException notLocal) {
                throw new UsageError("--from-time must be epoch milliseconds or an ISO-8601 date-time "
                        + "(e.g. 2026-01-31T12:00:00Z), was '" + value + "'");
            }
        }
    }
}
