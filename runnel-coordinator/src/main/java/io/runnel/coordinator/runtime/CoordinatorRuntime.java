package io.runnel.coordinator.runtime;

import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs the shards of a coordinator: one state machine per partition of its internal topic that
 * this broker leads, each pinned to one of a few threads ({@code partition % threads}).
 *
 * <p>A {@link #write} runs its operation on the shard's thread, appends the records it returns
 * through the {@link CoordinatorLog}, replays them into the shard at once (so the next event
 * sees them) and completes the caller's future when the records are committed (the high
 * watermark passed them). An append that fails replays nothing and fails the caller with
 * NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE (see {@link CoordinatorErrors}). A write that
 * produces no records still answers only after the shard's earlier writes committed, so no
 * client sees state that could be lost. A {@link #read} runs on the shard's thread and answers at once.
 *
 * <p>Transactions: a {@link #transactionalWrite} appends its records as a transactional batch of
 * a producer and the shard keeps them pending; {@link #completeTransaction} appends the
 * producer's COMMIT/ABORT marker and replays it. On load, the log hands over each record with its
 * batch's producer id and each marker, so the shard rebuilds pending and decided state alike.
 *
 * <p>On {@link #onElection} the shard is built and the partition replayed from its log start on
 * the shard's thread; meanwhile requests fail with COORDINATOR_LOAD_IN_PROGRESS. Requests for a
 * partition not led here fail with NOT_COORDINATOR.
 *
 * <p>Timers run on the injected {@link Time}: each thread polls its shards' timers every
 * {@code tickMs} and runs the expired operations as writes.
 *
 * <p>Thread-safety: all methods may be called from any thread. Shard state is touched only on
 * its thread. Until issue 4 a replayed write is not rolled back if its commit later fails: with
 * one replica, a commit fails only when the append itself fails, before any replay.
 */
public final class CoordinatorRuntime<S extends CoordinatorShard> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorRuntime.class);

    private final String name;
    private final CoordinatorLog coordinatorLog;
    private final ShardFactory<S> factory;
    private final Time time;
    private final ScheduledThreadPoolExecutor[] threads;
    private final Map<Integer, ShardContext<S>> contexts = new ConcurrentHashMap<>();

    /**
     * @param name       names the threads ({@code name-coordinator-N})
     * @param numThreads Kafka's {@code group.coordinator.threads}
     * @param tickMs     how often timers are checked, in milliseconds
     */
    public CoordinatorRuntime(String name, int numThreads, long tickMs, CoordinatorLog coordinatorLog,
                              ShardFactory<S> factory, Time time) {
        this.name = name;
        this.coordinatorLog = coordinatorLog;
        this.factory = factory;
        this.time = time;
        this.threads = new ScheduledThreadPoolExecutor[numThreads];
        for (int i = 0; i < numThreads; i++) {
            String threadName = name + "-coordinator-" + i;
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            int index = i;
            executor.scheduleWithFixedDelay(() -> runTimers(index), tickMs, tickMs, TimeUnit.MILLISECONDS);
            threads[i] = executor;
        }
    }

    /** Runs {@code op} on the partition's shard and completes with its response once its records commit. */
    public <T> CompletableFuture<T> write(int partition, Function<S, CoordinatorResult<T>> op) {
        CompletableFuture<T> future = new CompletableFuture<>();
        submit(partition, future, context -> {
            CoordinatorResult<T> result = op.apply(context.shard);
            complete(future, apply(context, result, null), result.response());
        });
        return future;
    }

    /**
     * As {@link #write}, but the records are appended as one transactional batch of the producer
     * and replayed as pending ({@link CoordinatorShard#replayTransactional}) until
     * {@link #completeTransaction} for the producer. An op that returns no records appends nothing.
     */
    public <T> CompletableFuture<T> transactionalWrite(int partition, long producerId, short producerEpoch,
                                                      Function<S, CoordinatorResult<T>> op) {
        CompletableFuture<T> future = new CompletableFuture<>();
        submit(partition, future, context -> {
            CoordinatorResult<T> result = op.apply(context.shard);
            Transaction txn = new Transaction(producerId, producerEpoch);
            complete(future, apply(context, result, txn), result.response());
        });
        return future;
    }

    /**
     * Appends the producer's COMMIT or ABORT marker to the partition, then replays it
     * ({@link CoordinatorShard#replayEndTransaction}); completes once the marker is committed.
     * A refused marker (stale producer or coordinator epoch) fails the future and replays nothing.
     */
    public CompletableFuture<Void> completeTransaction(int partition, long producerId, short producerEpoch,
                                                      boolean commit, int coordinatorEpoch) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        submit(partition, future, context -> {
            CompletableFuture<Void> committed;
            try {
                CoordinatorLog.Appended appended = coordinatorLog.appendMarker(context.partition, context.leaderEpoch,
                        producerId, producerEpoch, commit, coordinatorEpoch);
                context.shard.replayEndTransaction(producerId, commit);
                context.lastCommit = appended.committed();
                committed = appended.committed();
            } catch (RuntimeException e) {
                committed = CompletableFuture.failedFuture(e);
            }
            complete(future, committed, null);
        });
        return future;
    }

    /** Runs {@code op} on the partition's shard and completes with its value at once. */
    public <T> CompletableFuture<T> read(int partition, Function<S, T> op) {
        CompletableFuture<T> future = new CompletableFuture<>();
        submit(partition, future, context -> future.complete(op.apply(context.shard)));
        return future;
    }

    /** This broker now leads {@code partition} in {@code leaderEpoch}: load its shard. */
    public void onElection(int partition, int leaderEpoch) {
        ShardContext<S> existing = contexts.get(partition);
        if (existing != null && existing.leaderEpoch >= leaderEpoch) {
            return;
        }
        ShardContext<S> context = new ShardContext<>(partition, leaderEpoch, new ShardTimers(time));
        contexts.put(partition, context);
        threadOf(partition).execute(() -> load(context, existing));
    }

    /** This broker no longer leads {@code partition}: drop its shard. */
    public void onResignation(int partition) {
        ShardContext<S> context = contexts.remove(partition);
        if (context != null) {
            threadOf(partition).execute(() -> unload(context));
        }
    }

    /** Whether {@code partition}'s shard is loaded and serving requests. */
    public boolean isActive(int partition) {
        ShardContext<S> context = contexts.get(partition);
        return context != null && context.active;
    }

    @Override
    public void close() {
        for (ScheduledThreadPoolExecutor executor : threads) {
            executor.shutdownNow();
        }
        for (ScheduledThreadPoolExecutor executor : threads) {
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void submit(int partition, CompletableFuture<?> future, ContextTask<S> task) {
        ShardContext<S> early = contexts.get(partition);
        if (early != null && !early.active) {
            future.completeExceptionally(new CoordinatorLoadInProgressException(
                    name + " partition " + partition + " is loading"));
            return;
        }
        try {
            threadOf(partition).execute(() -> {
                ShardContext<S> context = contexts.get(partition);
                if (context == null) {
                    future.completeExceptionally(new NotCoordinatorException(
                            "this broker does not lead " + name + " partition " + partition));
                } else if (!context.active) {
                    future.completeExceptionally(new CoordinatorLoadInProgressException(
                            name + " partition " + partition + " is loading"));
                } else {
                    try {
                        task.run(context);
                    } catch (RuntimeException e) {
                        future.completeExceptionally(e);
                    }
                }
            });
        } catch (RuntimeException e) {
            future.completeExceptionally(new NotCoordinatorException(name + " coordinator is shut down"));
        }
    }

    private static <T> void complete(CompletableFuture<T> future, CompletableFuture<Void> committed, T response) {
        committed.whenComplete((ok, e) -> {
            if (e != null) {
                future.completeExceptionally(CoordinatorErrors.toException(e));
            } else {
                future.complete(response);
            }
        });
    }

    /**
     * Appends and replays a result's records (in a transaction when {@code txn} is not null);
     * completes when they commit (or at once after earlier commits).
     */
    private CompletableFuture<Void> apply(ShardContext<S> context, CoordinatorResult<?> result, Transaction txn) {
        List<CoordinatorRecord> records = result.records();
        if (records.isEmpty()) {
            return context.lastCommit.handle((ok, e) -> null);
        }
        CoordinatorLog.Appended appended;
        try {
            appended = txn == null ? coordinatorLog.append(context.partition, context.leaderEpoch, records)
                    : coordinatorLog.appendTransactional(context.partition, context.leaderEpoch, txn.producerId,
                    txn.producerEpoch, records);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (txn == null) {
            records.forEach(context.shard::replay);
        } else {
            records.forEach(r -> context.shard.replayTransactional(txn.producerId, r));
        }
        context.lastCommit = appended.committed();
        return appended.committed();
    }

    private void load(ShardContext<S> context, ShardContext<S> previous) {
        if (previous != null) {
            unload(previous);
        }
        if (contexts.get(context.partition) != context) {
            return; // resigned or re-elected before the load started
        }
        long start = time.milliseconds();
        try {
            S shard = factory.create(context.partition, context.timers);
            coordinatorLog.readAll(context.partition, new CoordinatorLog.LoadSink() {
                @Override
                public void record(long producerId, CoordinatorRecord record) {
                    if (producerId == RecordBatch.NO_PRODUCER_ID) {
                        shard.replay(record);
                    } else {
                        shard.replayTransactional(producerId, record);
                    }
                }

                @Override
                public void endTransaction(long producerId, boolean commit) {
                    shard.replayEndTransaction(producerId, commit);
                }
            });
            shard.onLoaded();
            context.shard = shard;
            context.active = true;
            log.info("Loaded {} partition {} (leader epoch {}) in {} ms", name, context.partition,
                    context.leaderEpoch, time.milliseconds() - start);
        } catch (RuntimeException e) {
            log.error("Failed to load {} partition {}; it stays unavailable until the next election",
                    name, context.partition, e);
            contexts.remove(context.partition, context);
        }
    }

    private void unload(ShardContext<S> context) {
        context.timers.clear();
        if (context.shard != null) {
            context.shard.onUnloaded();
            log.info("Unloaded {} partition {}", name, context.partition);
        }
    }

    private void runTimers(int threadIndex) {
        for (ShardContext<S> context : contexts.values()) {
            if (!context.active || Math.floorMod(context.partition, threads.length) != threadIndex) {
                continue;
            }
            for (Supplier<CoordinatorResult<Void>> operation : context.timers.expire()) {
                try {
                    apply(context, operation.get(), null).whenComplete((ok, e) -> {
                        if (e != null) {
                            log.warn("A timer write of {} partition {} failed: {}", name, context.partition,
                                    CoordinatorErrors.unwrap(e).toString());
                        }
                    });
                } catch (RuntimeException e) {
                    log.error("A timer of {} partition {} failed", name, context.partition, e);
                }
            }
        }
    }

    private ScheduledThreadPoolExecutor threadOf(int partition) {
        return threads[Math.floorMod(partition, threads.length)];
    }

    @FunctionalInterface
    private interface ContextTask<S extends CoordinatorShard> {
        void run(ShardContext<S> context);
    }

    /** The producer a transactional write belongs to. */
    private record Transaction(long producerId, short producerEpoch) {
    }

    /** One partition led here. Fields other than {@code active} are touched only on the shard's thread. */
    private static final class ShardContext<S extends CoordinatorShard> {
        final int partition;
        final int leaderEpoch;
        final ShardTimers timers;
        volatile boolean active;
        S shard;
        CompletableFuture<Void> lastCommit = CompletableFuture.completedFuture(null);

        ShardContext(int partition, int leaderEpoch, ShardTimers timers) {
            this.partition = partition;
            this.leaderEpoch = leaderEpoch;
            this.timers = timers;
        }
    }
}
