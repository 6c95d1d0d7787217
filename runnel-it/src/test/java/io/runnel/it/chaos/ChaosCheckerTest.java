package io.runnel.it.chaos;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Each rule of {@link ChaosChecker} fires on the history that breaks it, and a correct history passes. */
class ChaosCheckerTest {
    private static final long FAULT_END = 100;

    @Test
    void aCorrectHistoryPasses() {
        var log = log(Map.of(0L, "p1-0", 1L, "p2-0", 2L, "p1-1"));
        List<Ack> acks = List.of(ack(0, "p1-0", 50), ack(1, "p2-0", 150), ack(2, "p1-1", 160));

        assertThat(ChaosChecker.violations(log, acks, List.of(new StoredRecord(0, 1, "p2-0")), FAULT_END)).isEmpty();
    }

    @Test
    void anAcknowledgedRecordMissingOrOverwrittenIsLost() {
        var log = log(Map.of(0L, "p1-0", 1L, "p2-7"));
        List<Ack> acks = List.of(ack(1, "p1-1", 150), ack(2, "p1-2", 160));

        assertThat(ChaosChecker.violations(log, acks, List.of(), FAULT_END))
                .first().asString().startsWith("acknowledged record lost: 2 case(s)");
    }

    @Test
    void aValueStoredTwiceIsADuplicate() {
        var log = log(Map.of(0L, "p1-0", 1L, "p1-0"));

        assertThat(ChaosChecker.violations(log, List.of(ack(0, "p1-0", 150)), List.of(), FAULT_END))
                .first().asString().startsWith("value stored twice: 1 case(s)");
    }

    @Test
    void aProducersValuesOutOfSequenceAreOutOfOrder() {
        var log = log(Map.of(0L, "p1-1", 1L, "p2-0", 2L, "p1-0"));

        assertThat(ChaosChecker.violations(log, List.of(ack(1, "p2-0", 150)), List.of(), FAULT_END))
                .first().asString().startsWith("out of send order: 1 case(s)");
    }

    @Test
    void aConsumedRecordNotInTheFinalLogWasTruncated() {
        var log = log(Map.of(0L, "p1-0", 1L, "p2-0"));
        List<StoredRecord> consumed = List.of(new StoredRecord(0, 1, "p1-1"));

        assertThat(ChaosChecker.violations(log, List.of(ack(0, "p1-0", 150)), consumed, FAULT_END))
                .first().asString().startsWith("consumer read a record not in the final log: 1 case(s)");
    }

    @Test
    void noAcknowledgementAfterTheLastFaultIsNoProgress() {
        var log = log(Map.of(0L, "p1-0"));

        assertThat(ChaosChecker.violations(log, List.of(ack(0, "p1-0", 50)), List.of(), FAULT_END))
                .containsExactly("no progress: no acknowledgement after the last fault was undone");
    }

    @Test
    void theLongestGapIsBetweenConsecutiveAcknowledgementsOfAnyPartition() {
        ChaosChecker.Gap gap = ChaosChecker.longestGap(List.of(ack(0, "a", 10), ack(1, "b", 300), ack(0, "c", 40)));

        assertThat(gap.fromNanos()).isEqualTo(40);
        assertThat(gap.length().toNanos()).isEqualTo(260);
    }

    /** Partition 0 holding {@code records}, offset to value. */
    private static Map<Integer, NavigableMap<Long, String>> log(Map<Long, String> records) {
        return Map.of(0, new TreeMap<>(records));
    }

    private static Ack ack(long offset, String value, long atNanos) {
        return new Ack(new StoredRecord(0, offset, value), atNanos);
    }
}
