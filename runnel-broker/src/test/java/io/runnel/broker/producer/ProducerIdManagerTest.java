package io.runnel.broker.producer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.runnel.broker.producer.ProducerIdManager.BLOCK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

class ProducerIdManagerTest {

    @Test
    void idsAreUniqueAndIncreasingAcrossBlocks() {
        AtomicLong nextBlock = new AtomicLong(0);
        ProducerIdManager manager = new ProducerIdManager(1, new FakeController(
                size -> CompletableFuture.completedFuture(nextBlock.getAndAdd(3L * size))));
        long previous = -1;
        for (int i = 0; i < 3 * BLOCK_SIZE + 500; i++) {
            CompletableFuture<Long> id = manager.nextProducerId();
            assertThat(id).isCompleted();
            assertThat(id.join()).isGreaterThan(previous);
            previous = id.join();
        }
        assertThat(previous).isEqualTo(3L * 3 * BLOCK_SIZE + 499);
    }

    @Test
    void nextBlockIsPrefetchedBeforeTheCurrentOneRunsOut() {
        FakeController controller = new FakeController(size -> new CompletableFuture<>());
        ProducerIdManager manager = new ProducerIdManager(1, controller);
        CompletableFuture<Long> first = manager.nextProducerId();
        assertThat(first).isNotDone();
        assertThat(controller.requests).hasSize(1);
        controller.requests.peek().complete(0L);
        assertThat(first).isCompletedWithValue(0L);

        int handedOut = 1;
        while (controller.requests.size() == 1) {
            assertThat(manager.nextProducerId()).isCompletedWithValue((long) handedOut);
            handedOut++;
        }
        assertThat(handedOut).as("prefetch requested before the block is used up").isLessThan(BLOCK_SIZE);
        List<CompletableFuture<Long>> requests = new ArrayList<>(controller.requests);
        requests.get(1).complete(5_000L);

        for (long id = handedOut; id < BLOCK_SIZE; id++) {
            assertThat(manager.nextProducerId()).isCompletedWithValue(id);
        }
        assertThat(manager.nextProducerId()).as("no wait at the block boundary").isCompletedWithValue(5_000L);
        assertThat(manager.nextProducerId()).isCompletedWithValue(5_001L);
        assertThat(controller.requests).hasSize(2);
    }

    @Test
    void concurrentCallersGetDistinctIds() throws Exception {
        ExecutorService controllerThread = Executors.newSingleThreadExecutor();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            AtomicLong nextBlock = new AtomicLong(100);
            ProducerIdManager manager = new ProducerIdManager(1, new FakeController(
                    size -> CompletableFuture.supplyAsync(() -> nextBlock.getAndAdd(size), controllerThread)));
            int threads = 8;
            int perThread = 2_500;
            Set<Long> ids = ConcurrentHashMap.newKeySet();
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(callers.submit(() -> {
                    start.await();
                    List<CompletableFuture<Long>> mine = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        mine.add(manager.nextProducerId());
                    }
                    for (CompletableFuture<Long> id : mine) {
                        ids.add(id.get(10, TimeUnit.SECONDS));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(ids).hasSize(threads * perThread);
            assertThat(ids).allMatch(id -> id >= 100);
        } finally {
            callers.shutdownNow();
            controllerThread.shutdownNow();
            assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(controllerThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void failedAllocationFailsWaitersAndALaterCallRetries() {
        FakeController controller = new FakeController(size -> new CompletableFuture<>());
        ProducerIdManager manager = new ProducerIdManager(1, controller);
        CompletableFuture<Long> a = manager.nextProducerId();
        CompletableFuture<Long> b = manager.nextProducerId();
        assertThat(controller.requests).as("one request serves all waiters").hasSize(1);

        IllegalStateException failure = new IllegalStateException("not the controller");
        controller.requests.poll().completeExceptionally(failure);
        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
        assertThat(a.handle((v, e) -> e)).isCompletedWithValue(failure);

        CompletableFuture<Long> retry = manager.nextProducerId();
        assertThat(controller.requests).hasSize(1);
        controller.requests.poll().complete(7_000L);
        assertThat(retry).isCompletedWithValue(7_000L);
        assertThat(manager.nextProducerId()).isCompletedWithValue(7_001L);
    }
}
