package io.runnel.storage.log;

import io.runnel.storage.AppendInfo;
import io.runnel.storage.Batches;
import io.runnel.storage.LogConfig;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An idempotent producer sending new batches and retrying any of its last five, across rolls,
 * flushes, clean reopens and process crashes (files intact, nothing closed): a retry always
 * gets the offsets of the original append and writes nothing; new batches continue the log.
 */
class IdempotenceProperties {
    static final long PID = 77L;

    /** An operation: 0 send, 1 retry (index among the last five), 2 roll, 3 flush, 4 reopen, 5 crash. */
    record Op(int kind, int arg) {
    }

    /** An acknowledged batch: its sequence range and the offsets it got. */
    record Sent(int firstSeq, int count, long firstOffset) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.integers().between(1, 6).map(n -> new Op(0, n))),
                Tuple.of(5, Arbitraries.integers().between(0, 4).map(i -> new Op(1, i))),
                Tuple.of(1, Arbitraries.just(new Op(2, 0))),
                Tuple.of(1, Arbitraries.just(new Op(3, 0))),
                Tuple.of(1, Arbitraries.just(new Op(4, 0))),
                Tuple.of(2, Arbitraries.just(new Op(5, 0))));
        return op.list().ofMinSize(5).ofMaxSize(50);
    }

    @Property(tries = 40)
    void retriesGetTheOriginalOffsets(@ForAll("ops") List<Op> ops) throws Exception {
        Path root = Files.createTempDirectory("idempotence");
        TestLog env = new TestLog(root);
        LogConfig config = TestLog.config(Map.of("internal.segment.bytes", "1200"));
        SegmentedLog log = env.create(config);
        List<Sent> sent = new ArrayList<>();
        int nextSeq = 0;
        try {
            for (Op op : ops) {
                switch (op.kind()) {
                    case 0 -> {
                        AppendInfo info = log.appendAsLeader(
                                Batches.idempotent(env.time.milliseconds(), op.arg(), PID, (short) 0, nextSeq), 0);
                        assertThat(info.duplicate()).isFalse();
                        assertThat(info.lastOffset() - info.firstOffset() + 1).isEqualTo(op.arg());
                        sent.add(new Sent(nextSeq, op.arg(), info.firstOffset()));
                        nextSeq += op.arg();
                    }
                    case 1 -> {
                        if (sent.isEmpty()) {
                            break;
                        }
                        Sent original = sent.get(Math.max(0, sent.size() - 1 - op.arg()));
                        long end = log.logEndOffset();
                        AppendInfo info = log.appendAsLeader(Batches.idempotent(env.time.milliseconds(),
                                original.count(), PID, (short) 0, original.firstSeq()), 0);
                        assertThat(info.duplicate()).isTrue();
                        assertThat(info.firstOffset()).isEqualTo(original.firstOffset());
                        assertThat(info.lastOffset()).isEqualTo(original.firstOffset() + original.count() - 1);
                        assertThat(log.logEndOffset()).isEqualTo(end);
                    }
                    case 2 -> log.roll();
                    case 3 -> log.flush();
                    case 4 -> {
                        LogLoader.Checkpoints checkpoints = checkpoints(log);
                        log.close();
                        log = env.reopen(config, true, checkpoints);
                    }
                    default -> {
                        LogLoader.Checkpoints checkpoints = checkpoints(log);
                        log.abandon();
                        log = env.reopen(config, false, checkpoints);
                    }
                }
            }
        } finally {
            log.close();
            env.close();
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static LogLoader.Checkpoints checkpoints(SegmentedLog log) {
        return new LogLoader.Checkpoints(log.recoveryPoint(), log.logStartOffset(), log.highWatermark());
    }
}
