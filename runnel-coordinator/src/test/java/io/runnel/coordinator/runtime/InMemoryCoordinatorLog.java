package io.runnel.coordinator.runtime;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A coordinator log in memory for tests: appends commit at once unless {@link #holdCommits} is
 * set; {@link #failAppends} makes the next appends throw. Thread-safe.
 */
public final class InMemoryCoordinatorLog implements CoordinatorLog {
    private final Map<Integer, List<CoordinatorRecord>> partitions = new ConcurrentHashMap<>();
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private volatile boolean failAppends;
    private volatile boolean holdCommits;

    @Override
    public synchronized Appended append(int partition, int leaderEpoch, List<CoordinatorRecord> records) {
        if (failAppends) {
            throw new NotLeaderOrFollowerException("test: append refused");
        }
        List<CoordinatorRecord> log = partitions.computeIfAbsent(partition, p -> new ArrayList<>());
        log.addAll(records);
        CompletableFuture<Void> committed = new CompletableFuture<>();
        if (holdCommits) {
            held.add(committed);
        } else {
            committed.complete(null);
        }
        return new Appended(log.size() - 1, committed);
    }

    @Override
    public synchronized void readAll(int partition, Consumer<CoordinatorRecord> sink) {
        partitions.getOrDefault(partition, List.of()).forEach(sink);
    }

    public synchronized List<CoordinatorRecord> records(int partition) {
        return List.copyOf(partitions.getOrDefault(partition, List.of()));
    }

    public void failAppends(boolean fail) {
        failAppends = fail;
    }

    public void holdCommits(boolean hold) {
        holdCommits = hold;
    }

    public synchronized void releaseCommits() {
        held.forEach(f -> f.complete(null));
        held.clear();
    }
}
