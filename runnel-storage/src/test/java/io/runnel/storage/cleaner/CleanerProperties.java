package io.runnel.storage.cleaner;

import io.runnel.storage.cleaner.CleanerFixture.Entry;
import io.runnel.storage.cleaner.CleanerFixture.Put;
import io.runnel.storage.log.LogSegment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cleaner against a model: random keyed appends and tombstones across many small segments,
 * cleans at random clock times (relative to {@code delete.retention.ms}), some stopped by a
 * simulated crash at a step of the swap, and clean reopens.
 *
 * <p>After a clean, the log must equal the model's prediction from the log just before it:
 * below the clean's end offset, exactly the latest record of each key, at its original offset,
 * in order; a tombstone only while its batch has no delete horizon yet (it then gets
 * {@code now + delete.retention.ms}) or the horizon has not passed; the rest untouched. After
 * every step, crash or not, the latest value appended for every key is in the log at its offset.
 */
class CleanerProperties {
    private static final int KEYS = 8;

    sealed interface Op permits Append, Clean, Reopen {
    }

    /** Keys by index; a negative index is a tombstone of key {@code -index - 1}. */
    record Append(List<Integer> keys) implements Op {
    }

    /** Where a clean stops as if the broker crashed. */
    enum Crash { NONE, AFTER_CLEANED_WRITTEN, AFTER_SWAP_RENAMED, WHILE_OLD_SEGMENTS_RENAMED }

    record Clean(long advanceMs, Crash crash) implements Op {
    }

    record Reopen() implements Op {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> key = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(0, KEYS - 1)),
                Tuple.of(1, Arbitraries.integers().between(-KEYS, -1)));
        Arbitrary<Crash> crash = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(Crash.NONE)),
                Tuple.of(1, Arbitraries.just(Crash.AFTER_CLEANED_WRITTEN)),
                Tuple.of(1, Arbitraries.just(Crash.AFTER_SWAP_RENAMED)),
                Tuple.of(1, Arbitraries.just(Crash.WHILE_OLD_SEGMENTS_RENAMED)));
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(14, key.list().ofMinSize(1).ofMaxSize(4).map(Append::new)),
                Tuple.of(3, Combinators.combine(Arbitraries.longs().between(0, 2 * CleanerFixture.DELETE_RETENTION_MS),
                        crash).as(Clean::new)),
                Tuple.of(1, Arbitraries.just(new Reopen())));
        return op.list().ofMinSize(10).ofMaxSize(80);
    }

    @Property(tries = 60)
    void cleanedLogMatchesTheModel(@ForAll("ops") List<Op> ops) throws Exception {
        try (CleanerFixture fx = new CleanerFixture(Map.of())) {
            Map<String, Entry> latestAppended = new HashMap<>();
            long checkpoint = -1;
            int value = 0;
            for (Op op : ops) {
                if (op instanceof Append append) {
                    List<Put> puts = new ArrayList<>();
                    for (int k : append.keys()) {
                        puts.add(k >= 0 ? new Put("k" + k, "v" + value++) : new Put("k" + (-k - 1), null));
                    }
                    long first = fx.log.logEndOffset();
                    fx.append(puts);
                    for (int i = 0; i < puts.size(); i++) {
                        latestAppended.put(puts.get(i).key(), new Entry(first + i, puts.get(i).key(), puts.get(i).value(), -1));
                    }
                } else if (op instanceof Clean clean) {
                    fx.time.advance(clean.advanceMs());
                    if (clean.crash() == Crash.NONE) {
                        checkpoint = cleanAndCheck(fx, checkpoint);
                    } else {
                        Cleaner crashing = fx.cleaner(crashListener(fx, clean.crash()));
                        long from = checkpoint;
                        if (fx.log.segments().size() > 1) {
                            assertThatThrownBy(() -> fx.clean(crashing, from))
                                    .isInstanceOf(CleanerTest.SimulatedCrash.class);
                        }
                        fx.crashAndReopen();
                        checkpoint = -1;
                    }
                } else {
                    fx.reopen();
                }
                assertLatestValuesPresent(fx.readAll(), latestAppended);
            }
        }
    }

    private static Cleaner.StepListener crashListener(CleanerFixture fx, Crash crash) {
        return switch (crash) {
            case AFTER_CLEANED_WRITTEN -> CleanerTest.crashAt(Cleaner.Step.CLEANED_WRITTEN);
            case AFTER_SWAP_RENAMED -> CleanerTest.crashAt(Cleaner.Step.SWAP_RENAMED);
            default -> (step, file) -> {
                if (step == Cleaner.Step.SWAP_RENAMED) {
                    String first = file.getFileName().toString().replace(".swap", "");
                    java.nio.file.Files.move(fx.dir.resolve(first), fx.dir.resolve(first + ".deleted"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    throw new CleanerTest.SimulatedCrash();
                }
            };
        };
    }

    private static long cleanAndCheck(CleanerFixture fx, long checkpoint) throws Exception {
        List<LogSegment> segments = fx.log.segments();
        long activeBase = segments.get(segments.size() - 1).baseOffset();
        List<Entry> before = fx.readAll();
        long now = fx.time.milliseconds();

        CleanerStats stats = fx.clean(fx.cleaner(Cleaner.StepListener.NONE), checkpoint);

        assertThat(stats.endOffset()).isEqualTo(Math.max(activeBase, checkpoint < 0 ? 0 : checkpoint));
        List<Entry> expected = predict(before, stats.endOffset(), now);
        assertThat(withoutValueHorizons(fx.readAll())).isEqualTo(withoutValueHorizons(expected));
        assertThat(fx.fileNames()).noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap"));
        return stats.endOffset();
    }

    /** The model of one clean of {@code before} up to {@code end} at {@code now}. */
    private static List<Entry> predict(List<Entry> before, long end, long now) {
        Map<String, Long> latest = new HashMap<>();
        for (Entry e : before) {
            if (e.offset() < end) {
                latest.put(e.key(), e.offset());
            }
        }
        List<Entry> expected = new ArrayList<>();
        for (Entry e : before) {
            if (e.offset() >= end) {
                expected.add(e);
            } else if (latest.get(e.key()) == e.offset()) {
                if (e.value() != null) {
                    expected.add(e);
                } else if (e.horizonMs() < 0) {
                    expected.add(new Entry(e.offset(), e.key(), null, now + CleanerFixture.DELETE_RETENTION_MS));
                } else if (now < e.horizonMs()) {
                    expected.add(e);
                }
            }
        }
        return expected;
    }

    /** A batch's delete horizon matters only for its tombstones. */
    private static List<Entry> withoutValueHorizons(List<Entry> entries) {
        return entries.stream().map(e -> e.value() == null ? e : new Entry(e.offset(), e.key(), e.value(), -1)).toList();
    }

    private static void assertLatestValuesPresent(List<Entry> log, Map<String, Entry> latestAppended) {
        assertThat(log).extracting(Entry::offset).isSorted().doesNotHaveDuplicates();
        for (Entry latest : latestAppended.values()) {
            if (latest.value() != null) {
                assertThat(log).as("latest value of %s", latest.key())
                        .anyMatch(e -> e.offset() == latest.offset() && latest.value().equals(e.value()));
            }
        }
    }
}
