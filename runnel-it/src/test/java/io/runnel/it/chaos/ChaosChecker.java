package io.runnel.it.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The verdict of a chaos run, from the final logs (a fresh read of every partition from its
 * beginning to its end offset), the producers' acknowledgements and what the consumers read:
 * <ul>
 *   <li>no acknowledged record lost: every acknowledged (partition, offset, value) is in the log
 *       at that offset;</li>
 *   <li>no duplicate: no value is stored twice (idempotence);</li>
 *   <li>order: within a partition, each producer's values appear in send (sequence) order;</li>
 *   <li>nothing read that was later truncated: every (partition, offset, value) a consumer read
 *       is in the log at that offset;</li>
 *   <li>progress: some acknowledgement came after the last fault was undone.</li>
 * </ul>
 * Values are {@code p<producer>-<seq>} (see {@link AckingProducer}). Stateless.
 */
final class ChaosChecker {
    private static final int SHOWN_PER_RULE = 10;

    private ChaosChecker() {
    }

    /** Every violation found, at most {@value #SHOWN_PER_RULE} spelled out per rule; empty when the run is correct. */
    static List<String> violations(Map<Integer, NavigableMap<Long, String>> log, List<Ack> acks,
                                   List<StoredRecord> consumed, long lastFaultEndNanos) {
        List<String> violations = new ArrayList<>();
        violations.addAll(limit("acknowledged record lost", lost(log, acks.stream().map(Ack::record).toList())));
        violations.addAll(limit("value stored twice", duplicates(log)));
        violations.addAll(limit("out of send order", outOfOrder(log)));
        violations.addAll(limit("consumer read a record not in the final log", lost(log, consumed)));
        if (acks.stream().noneMatch(a -> a.ackedAtNanos() > lastFaultEndNanos)) {
            violations.add("no progress: no acknowledgement after the last fault was undone");
        }
        return violations;
    }

    /** The longest time between two acknowledgements (of any producer and partition) in the run. */
    static Gap longestGap(List<Ack> acks) {
        long[] times = acks.stream().mapToLong(Ack::ackedAtNanos).sorted().toArray();
        Gap longest = new Gap(times.length == 0 ? 0 : times[0], Duration.ZERO);
        for (int i = 1; i < times.length; i++) {
            if (times[i] - times[i - 1] > longest.length().toNanos()) {
                longest = new Gap(times[i - 1], Duration.ofNanos(times[i] - times[i - 1]));
            }
        }
        return longest;
    }

    /** A time without acknowledgements: from the acknowledgement at {@code fromNanos} ({@link System#nanoTime()}), for {@code length}. */
    record Gap(long fromNanos, Duration length) {
    }

    private static List<String> lost(Map<Integer, NavigableMap<Long, String>> log, List<StoredRecord> expected) {
        List<String> missing = new ArrayList<>();
        for (StoredRecord r : expected) {
            String stored = log.getOrDefault(r.partition(), emptyLog()).get(r.offset());
            if (!r.value().equals(stored)) {
                missing.add(r + " but the log holds " + (stored == null ? "nothing" : stored) + " there");
            }
        }
        return missing;
    }

    private static List<String> duplicates(Map<Integer, NavigableMap<Long, String>> log) {
        Map<String, String> firstAt = new HashMap<>();
        List<String> twice = new ArrayList<>();
        log.forEach((partition, records) -> records.forEach((offset, value) -> {
            String here = partition + "@" + offset;
            String earlier = firstAt.putIfAbsent(value, here);
            if (earlier != null) {
                twice.add(value + " at " + earlier + " and " + here);
            }
        }));
        return twice;
    }

    private static List<String> outOfOrder(Map<Integer, NavigableMap<Long, String>> log) {
        List<String> wrong = new ArrayList<>();
        log.forEach((partition, records) -> {
            Map<String, Long> lastSeq = new HashMap<>();
            Map<String, Long> lastOffset = new HashMap<>();
            records.forEach((offset, value) -> {
                int dash = value.indexOf('-');
                String producer = value.substring(0, dash);
                long seq = Long.parseLong(value.substring(dash + 1));
                Long previous = lastSeq.put(producer, seq);
                if (previous != null && previous >= seq) {
                    wrong.add(value + " at " + partition + "@" + offset + " after " + producer + "-" + previous
                            + " at " + partition + "@" + lastOffset.get(producer));
                }
                lastOffset.put(producer, offset);
            });
        });
        return wrong;
    }

    private static List<String> limit(String rule, List<String> found) {
        if (found.isEmpty()) {
            return List.of();
        }
        List<String> shown = new ArrayList<>();
        shown.add(rule + ": " + found.size() + " case(s)");
        found.stream().limit(SHOWN_PER_RULE).forEach(f -> shown.add("  " + f));
        return shown;
    }

    private static NavigableMap<Long, String> emptyLog() {
        return Collections.emptyNavigableMap();
    }
}
