package io.runnel.broker.purgatory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PurgatoryTest {
    private final Purgatory<String> purgatory = new Purgatory<>("test");

    @AfterEach
    void close() {
        purgatory.close();
    }

    @Test
    void completesOnEventOfWatchedKeyOnly() {
        Op op = new Op(60_000);
        purgatory.tryCompleteElseWatch(op, List.of("a", "b"));
        assertThat(purgatory.watching("a")).isEqualTo(1);
        assertThat(purgatory.watching("b")).isEqualTo(1);

        op.ready.set(true);
        purgatory.checkAndComplete("c");
        assertThat(op.isCompleted()).isFalse();

        purgatory.checkAndComplete("b");
        assertThat(op.isCompleted()).isTrue();
        assertThat(op.completions.get()).isEqualTo(1);
        assertThat(purgatory.watching("a")).isZero();
        assertThat(purgatory.watching("b")).isZero();
    }

    @Test
    void expiresAfterItsDelayAndIsUnwatched() {
        Op op = new Op(50);
        long start = System.nanoTime();
        purgatory.tryCompleteElseWatch(op, List.of("a"));
        await().atMost(Duration.ofSeconds(5)).until(op::isCompleted);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(50);
        assertThat(op.completions.get()).isEqualTo(1);
        assertThat(op.expired.get()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> purgatory.watching("a") == 0);
    }

    @Test
    void completedAtFirstCheckIsNeverWatched() {
        Op op = new Op(60_000);
        op.ready.set(true);
        purgatory.tryCompleteElseWatch(op, List.of("a"));
        assertThat(op.isCompleted()).isTrue();
        assertThat(op.completions.get()).isEqualTo(1);
        assertThat(purgatory.watching("a")).isZero();
    }

    @Test
    void onCompleteRunsOnceWhenEventsAndExpiryRace() throws Exception {
        int threads = 4;
        int iterations = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < iterations; i++) {
                Op op = new Op(1 + i % 3);
                purgatory.tryCompleteElseWatch(op, List.of("k"));
                op.ready.set(true);
                CyclicBarrier start = new CyclicBarrier(threads);
                CountDownLatch done = new CountDownLatch(threads);
                for (int t = 0; t < threads; t++) {
                    pool.execute(() -> {
                        try {
                            start.await();
                            purgatory.checkAndComplete("k");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        } finally {
                            done.countDown();
                        }
                    });
                }
                assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(op.completed.await(5, TimeUnit.SECONDS)).isTrue();
                assertThat(op.completions.get()).as("iteration %d", i).isEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> purgatory.watching("k") == 0);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Completes when {@link #ready} is set; counts how often onComplete runs. */
    private static final class Op extends DelayedOperation {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicBoolean expired = new AtomicBoolean();
        final AtomicInteger completions = new AtomicInteger();
        final CountDownLatch completed = new CountDownLatch(1);

        Op(long delayMs) {
            super(delayMs);
        }

        @Override
        public boolean tryComplete() {
            return ready.get() ? forceComplete() || isCompleted() : false;
        }

        @Override
        protected void onComplete() {
            expired.set(!ready.get());
            completions.incrementAndGet();
            completed.countDown();
        }
    }
}
