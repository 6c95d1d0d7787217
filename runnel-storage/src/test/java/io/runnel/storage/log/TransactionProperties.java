package io.runnel.storage.log;

import io.runnel.storage.AbortedTxn;
import io.runnel.storage.AppendInfo;
import io.runnel.storage.Batches;
import io.runnel.storage.LogConfig;
import org.apache.kafka.common.record.internal.MemoryRecords;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random interleavings of plain and transactional batches from three producers, COMMIT/ABORT
 * markers (some bumping the epoch), high watermark moves, rolls, flushes, truncations, clean
 * reopens and crashes: the log's last stable offset and aborted transactions always match a
 * model computed from the batches alone, and a follower replicating the result agrees.
 */
class TransactionProperties {
    static final int PRODUCERS = 3;

    /** kind: 0 plain, 1 txn data, 2 marker, 3 raise HW, 4 roll, 5 truncate, 6 reopen, 7 crash, 8 flush. */
    record Op(int kind, int a, int b) {
    }

    /** A batch in the model: producer -1 for plain; kind 0 data, 1 commit, 2 abort. */
    record Batch(long first, long last, long producer, int kind, short epoch, int firstSeq) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> a = Arbitraries.integers().between(0, 1000);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(a, a).as((x, y) -> new Op(0, x, y))),
                Tuple.of(10, Combinators.combine(a, a).as((x, y) -> new Op(1, x, y))),
                Tuple.of(5, Combinators.combine(a, a).as((x, y) -> new Op(2, x, y))),
                Tuple.of(5, Combinators.combine(a, a).as((x, y) -> new Op(3, x, y))),
                Tuple.of(1, Combinators.combine(a, a).as((x, y) -> new Op(4, x, y))),
                Tuple.of(1, Combinators.combine(a, a).as((x, y) -> new Op(5, x, y))),
                Tuple.of(1, Combinators.combine(a, a).as((x, y) -> new Op(6, x, y))),
                Tuple.of(1, Combinators.combine(a, a).as((x, y) -> new Op(7, x, y))),
                Tuple.of(1, Combinators.combine(a, a).as((x, y) -> new Op(8, x, y))));
        return op.list().ofMinSize(10).ofMaxSize(60);
    }

    @Property(tries = 40)
    void lastStableOffsetAndAbortedTransactionsMatchTheModel(@ForAll("ops") List<Op> ops) throws Exception {
        Path root = Files.createTempDirectory("txn-props");
        TestLog env = new TestLog(root);
        LogConfig config = TestLog.config(Map.of("internal.segment.bytes", "1024"));
        SegmentedLog log = env.create(config);
        List<Batch> model = new ArrayList<>();
        try {
            for (Op op : ops) {
                log = apply(op, log, env, config, model);
                check(log, model, op);
            }
            checkFollower(log, root.resolve("follower"), config);
        } finally {
            log.abandon();
            env.close();
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static SegmentedLog apply(Op op, SegmentedLog log, TestLog env, LogConfig config, List<Batch> model)
            throws Exception {
        long now = env.time.milliseconds();
        switch (op.kind()) {
            case 0 -> {
                AppendInfo info = log.appendAsLeader(Batches.of(now, 1 + op.a() % 3), 0);
                model.add(new Batch(info.firstOffset(), info.lastOffset(), -1, 0, (short) -1, -1));
            }
            case 1 -> {
                long pid = op.a() % PRODUCERS;
                short epoch = epochOf(model, pid);
                int seq = nextSeq(model, pid);
                AppendInfo info = log.appendAsLeader(Batches.transactional(now, 1 + op.b() % 3, pid, epoch, seq), 0);
                model.add(new Batch(info.firstOffset(), info.lastOffset(), pid, 0, epoch, seq));
            }
            case 2 -> {
                long pid = op.a() % PRODUCERS;
                short epoch = (short) (Math.max(0, epochOf(model, pid)) + (op.b() % 4 == 0 ? 1 : 0));
                boolean commit = op.b() % 2 == 0;
                AppendInfo info = log.appendMarker(pid, epoch, commit, 0, 0);
                model.add(new Batch(info.firstOffset(), info.lastOffset(), pid, commit ? 1 : 2, epoch, -1));
            }
            case 3 -> {
                long hw = log.highWatermark();
                log.updateHighWatermark(hw + (log.logEndOffset() - hw) * op.a() / 1000);
            }
            case 4 -> log.roll();
            case 5 -> {
                List<Batch> candidates = model.stream().filter(b -> b.first() >= log.highWatermark()).toList();
                if (!candidates.isEmpty()) {
                    long target = candidates.get(op.a() % candidates.size()).first();
                    log.truncateTo(target);
                    model.removeIf(b -> b.first() >= target);
                }
            }
            case 6 -> {
                long hw = log.highWatermark();
                log.close();
                return env.reopen(config, true, new LogLoader.Checkpoints(0, log.logStartOffset(), hw));
            }
            case 7 -> {
                LogLoader.Checkpoints checkpoints = new LogLoader.Checkpoints(log.recoveryPoint(),
                        log.logStartOffset(), log.highWatermark());
                log.abandon();
                return env.reopen(config, false, checkpoints);
            }
            case 8 -> log.flush();
            default -> throw new IllegalArgumentException("op " + op);
        }
        return log;
    }

    private static void check(SegmentedLog log, List<Batch> model, Op op) {
        long hw = log.highWatermark();
        long end = log.logEndOffset();
        assertThat(end).isEqualTo(model.isEmpty() ? 0 : model.get(model.size() - 1).last() + 1);
        assertThat(log.lastStableOffset()).as("LSO after %s", op).isEqualTo(modelLso(model, hw));
        long from = op.a() % (end + 1);
        long to = from + op.b() % (end + 2 - from);
        for (long[] range : new long[][]{{0, end + 1}, {from, to}, {from, end + 1}, {0, log.lastStableOffset()}}) {
            assertThat(log.abortedTransactions(range[0], range[1]))
                    .as("aborted in [%d, %d) after %s", range[0], range[1], op)
                    .isEqualTo(modelAborted(model, range[0], range[1]));
        }
        for (long pid = 0; pid < PRODUCERS; pid++) {
            assertThat(log.hasOngoingTransaction(pid)).isEqualTo(openTxns(model).containsKey(pid));
        }
    }

    /** A follower replicating the whole log agrees on the last stable offset and the aborted transactions. */
    private static void checkFollower(SegmentedLog leader, Path followerRoot, LogConfig config) throws Exception {
        try (TestLog followerEnv = new TestLog(followerRoot)) {
            SegmentedLog follower = followerEnv.create(config);
            try {
                long offset = 0;
                while (offset < leader.logEndOffset()) {
                    MemoryRecords records = Batches.bytesOf(leader.read(offset, 4096, Long.MAX_VALUE, true).records());
                    follower.appendAsFollower(records);
                    offset = follower.logEndOffset();
                }
                follower.updateHighWatermark(leader.highWatermark());
                assertThat(follower.lastStableOffset()).isEqualTo(leader.lastStableOffset());
                assertThat(follower.abortedTransactions(0, offset + 1))
                        .isEqualTo(leader.abortedTransactions(0, offset + 1));
            } finally {
                follower.abandon();
            }
        }
    }

    /** Producer to first offset of its ongoing transaction. */
    private static Map<Long, Long> openTxns(List<Batch> model) {
        Map<Long, Long> open = new LinkedHashMap<>();
        for (Batch b : model) {
            if (b.producer() < 0) {
                continue;
            }
            if (b.kind() == 0) {
                open.putIfAbsent(b.producer(), b.first());
            } else {
                open.remove(b.producer());
            }
        }
        return open;
    }

    /** Completed transactions as {producer, first, marker offset, aborted (1/0)}. */
    private static List<long[]> completed(List<Batch> model) {
        Map<Long, Long> open = new HashMap<>();
        List<long[]> done = new ArrayList<>();
        for (Batch b : model) {
            if (b.producer() < 0) {
                continue;
            }
            if (b.kind() == 0) {
                open.putIfAbsent(b.producer(), b.first());
            } else {
                Long first = open.remove(b.producer());
                if (first != null) {
                    done.add(new long[]{b.producer(), first, b.first(), b.kind() == 2 ? 1 : 0});
                }
            }
        }
        return done;
    }

    private static long modelLso(List<Batch> model, long hw) {
        long lso = hw;
        for (long first : openTxns(model).values()) {
            lso = Math.min(lso, first);
        }
        for (long[] t : completed(model)) {
            if (t[2] >= hw) {
                lso = Math.min(lso, t[1]);
            }
        }
        return lso;
    }

    private static List<AbortedTxn> modelAborted(List<Batch> model, long from, long to) {
        return completed(model).stream().filter(t -> t[3] == 1 && t[2] >= from && t[1] < to)
                .map(t -> new AbortedTxn(t[0], t[1], t[2]))
                .sorted(Comparator.comparingLong(AbortedTxn::firstOffset)).toList();
    }

    private static short epochOf(List<Batch> model, long pid) {
        short epoch = 0;
        for (Batch b : model) {
            if (b.producer() == pid) {
                epoch = b.epoch();
            }
        }
        return epoch;
    }

    /** The sequence the producer's next batch must carry: after its last data batch, 0 after an epoch bump. */
    private static int nextSeq(List<Batch> model, long pid) {
        short epoch = 0;
        int next = 0;
        for (Batch b : model) {
            if (b.producer() != pid) {
                continue;
            }
            if (b.epoch() != epoch) {
                next = 0;
                epoch = b.epoch();
            }
            if (b.kind() == 0) {
                next = b.firstSeq() + (int) (b.last() - b.first() + 1);
            }
        }
        return next;
    }
}
