package io.runnel.coordinator.runtime;

import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class CoordinatorRuntimeTest {
    private final ManualTime time = new ManualTime();
    private final InMemoryCoordinatorLog log = new InMemoryCoordinatorLog();
    private final CoordinatorRuntime<CounterShard> runtime =
            new CoordinatorRuntime<>("test", 2, 1, log, CounterShard::new, time);

    @AfterEach
    void close() {
        runtime.close();
    }

    @Test
    void requestsForAPartitionNotLedHereGetNotCoordinator() {
        assertThatThrownBy(() -> runtime.read(3, s -> s.total).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotCoordinatorException.class);
    }

    @Test
    void aWriteIsReplayedAtOnceAndAnsweredWhenCommitted() throws Exception {
        elect(0);
        log.holdCommits(true);
        CompletableFuture<Long> write = runtime.write(0, s -> add(5, s.total + 5));
        // The next event sees the replayed record before it is committed.
        assertThat(runtime.read(0, s -> s.total).get(5, TimeUnit.SECONDS)).isEqualTo(5);
        // A write with no records waits for the earlier commit.
        CompletableFuture<Long> empty = runtime.write(0, s -> CoordinatorResult.of(s.total));
        runtime.read(0, s -> s.total).get(5, TimeUnit.SECONDS);
        assertThat(write).isNotDone();
        assertThat(empty).isNotDone();
        log.releaseCommits();
        assertThat(write.get(5, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(empty.get(5, TimeUnit.SECONDS)).isEqualTo(5);
    }

    @Test
    void aFailedAppendReplaysNothingAndAnswersNotCoordinator() throws Exception {
        elect(0);
        log.failAppends(true);
        assertThatThrownBy(() -> runtime.write(0, s -> add(7, 0L)).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotCoordinatorException.class);
        assertThat(runtime.read(0, s -> s.total).get(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void electionReplaysTheLogAndResignationDropsTheShard() throws Exception {
        elect(1);
        runtime.write(1, s -> add(2, 0L)).get(5, TimeUnit.SECONDS);
        runtime.write(1, s -> add(3, 0L)).get(5, TimeUnit.SECONDS);
        runtime.onResignation(1);
        assertThatThrownBy(() -> runtime.read(1, s -> s.total).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotCoordinatorException.class);
        runtime.onElection(1, 2);
        await().until(() -> runtime.isActive(1));
        assertThat(runtime.read(1, s -> s.total).get(5, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(runtime.read(1, s -> s.loaded).get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void requestsDuringLoadGetLoadInProgress() throws Exception {
        CountDownLatch blocker = new CountDownLatch(1);
        elect(0);
        // Occupy the thread shared by partitions 0 and 2 so partition 2's load waits.
        runtime.read(0, s -> {
            await().until(() -> blocker.getCount() == 0);
            return null;
        });
        runtime.onElection(2, 0);
        assertThatThrownBy(() -> runtime.read(2, s -> s.total).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(CoordinatorLoadInProgressException.class);
        blocker.countDown();
        await().until(() -> runtime.isActive(2));
    }

    @Test
    void expiredTimersRunAsWritesOnTheInjectedClock() throws Exception {
        elect(0);
        runtime.read(0, s -> {
            s.timer.schedule("t", 1000, () -> add(10, null));
            return null;
        }).get(5, TimeUnit.SECONDS);
        time.advance(999);
        runtime.read(0, s -> s.total).get(5, TimeUnit.SECONDS);
        assertThat(runtime.read(0, s -> s.timer.isScheduled("t")).get(5, TimeUnit.SECONDS)).isTrue();
        time.advance(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.read(0, s -> s.total).get() == 10);
        assertThat(log.records(0)).hasSize(1);
    }

    @Test
    void transactionalRecordsStayPendingUntilTheirMarkerAndReloadTheSame() throws Exception {
        elect(1);
        runtime.transactionalWrite(1, 11, (short) 0, s -> add(5, null)).get(5, TimeUnit.SECONDS);
        runtime.write(1, s -> add(2, null)).get(5, TimeUnit.SECONDS);
        runtime.transactionalWrite(1, 12, (short) 0, s -> add(3, null)).get(5, TimeUnit.SECONDS);
        runtime.transactionalWrite(1, 13, (short) 0, s -> add(100, null)).get(5, TimeUnit.SECONDS);
        assertThat(runtime.read(1, s -> s.total).get(5, TimeUnit.SECONDS)).isEqualTo(2);

        runtime.completeTransaction(1, 11, (short) 0, true, 0).get(5, TimeUnit.SECONDS);
        runtime.completeTransaction(1, 12, (short) 0, false, 0).get(5, TimeUnit.SECONDS);
        assertThat(runtime.read(1, s -> s.total).get(5, TimeUnit.SECONDS)).isEqualTo(7);

        runtime.onElection(1, 1);
        await().until(() -> runtime.isActive(1));
        assertThat(runtime.read(1, s -> s.total).get(5, TimeUnit.SECONDS)).isEqualTo(7);
        // Producer 13's transaction was still open in the log: its marker decides it after the load.
        runtime.completeTransaction(1, 13, (short) 0, true, 0).get(5, TimeUnit.SECONDS);
        assertThat(runtime.read(1, s -> s.total).get(5, TimeUnit.SECONDS)).isEqualTo(107);
    }

    @Test
    void aRefusedMarkerReplaysNothingAndAMarkerForAPartitionNotLedHereIsNotCoordinator() throws Exception {
        elect(0);
        runtime.transactionalWrite(0, 11, (short) 0, s -> add(5, null)).get(5, TimeUnit.SECONDS);
        log.failAppends(true);
        assertThatThrownBy(() -> runtime.completeTransaction(0, 11, (short) 0, true, 0).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotCoordinatorException.class);
        log.failAppends(false);
        assertThat(runtime.read(0, s -> s.pending.get(11L)).get(5, TimeUnit.SECONDS)).isEqualTo(5);
        assertThatThrownBy(() -> runtime.completeTransaction(3, 11, (short) 0, true, 0).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NotCoordinatorException.class);
    }

    private void elect(int partition) {
        runtime.onElection(partition, 0);
        await().until(() -> runtime.isActive(partition));
    }

    private static <T> CoordinatorResult<T> add(long amount, T response) {
        byte[] key = ByteBuffer.allocate(2).putShort((short) 0).array();
        return new CoordinatorResult<>(List.of(new CoordinatorRecord((short) 0, key,
                ByteBuffer.allocate(8).putLong(amount).array())), response);
    }

    /** Sums the amounts in its records; a transaction's amounts count once it commits. */
    private static final class CounterShard implements CoordinatorShard {
        final CoordinatorTimer timer;
        final Map<Long, Long> pending = new HashMap<>();
        long total;
        boolean loaded;

        CounterShard(int partition, CoordinatorTimer timer) {
            this.timer = timer;
        }

        @Override
        public void replay(CoordinatorRecord record) {
            total += ByteBuffer.wrap(record.value()).getLong();
        }

        @Override
        public void replayTransactional(long producerId, CoordinatorRecord record) {
            pending.merge(producerId, ByteBuffer.wrap(record.value()).getLong(), Long::sum);
        }

        @Override
        public void replayEndTransaction(long producerId, boolean commit) {
            Long amount = pending.remove(producerId);
            if (commit && amount != null) {
                total += amount;
            }
        }

        @Override
        public void onLoaded() {
            loaded = true;
        }
    }
}
