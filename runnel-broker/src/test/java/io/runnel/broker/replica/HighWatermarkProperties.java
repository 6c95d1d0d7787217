package io.runnel.broker.replica;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any interleaving of appends and follower fetches (at offsets below, at or beyond the leader's
 * log end) keeps the leader's high watermark at the largest minimum log end offset over the ISR
 * seen so far: never backward, never beyond the leader's log end offset.
 */
class HighWatermarkProperties {

    /** Append {@code count} batches, or record a fetch of {@code follower} at {@code offset}. */
    record Op(boolean append, int count, int follower, int offset) {
    }

    @Property(tries = 60)
    void highWatermarkIsTheRunningMinimumOverTheIsr(@ForAll("ops") List<Op> ops) throws IOException {
        Path dir = Files.createTempDirectory("hw-property");
        try (PartitionFixture f = new PartitionFixture(dir, List.of(1, 2, 3), List.of(1, 2, 3), 1)) {
            Map<Integer, Long> followerEnd = new HashMap<>(Map.of(2, -1L, 3, -1L));
            long expected = 0;
            for (Op op : ops) {
                long logEnd = f.partition.log().logEndOffset();
                if (op.append()) {
                    f.append(op.count());
                } else {
                    f.partition.updateFollowerFetchState(op.follower(), op.offset());
                    if (op.offset() <= logEnd) {
                        followerEnd.put(op.follower(), (long) op.offset());
                    }
                }
                long min = Math.min(f.partition.log().logEndOffset(), Math.min(followerEnd.get(2), followerEnd.get(3)));
                expected = Math.max(expected, min);
                assertThat(f.highWatermark()).isEqualTo(expected).isLessThanOrEqualTo(f.partition.log().logEndOffset());
            }
        } finally {
            delete(dir);
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> append = Arbitraries.integers().between(1, 3).map(n -> new Op(true, n, 0, 0));
        Arbitrary<Op> fetch = Combinators.combine(Arbitraries.of(2, 3), Arbitraries.integers().between(0, 25))
                .as((follower, offset) -> new Op(false, 0, follower, offset));
        return Arbitraries.frequencyOf(
                Tuple.of(1, append), Tuple.of(2, fetch)).list().ofMaxSize(30);
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
