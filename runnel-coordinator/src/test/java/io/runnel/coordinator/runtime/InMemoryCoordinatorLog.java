package io.runnel.coordinator.runtime;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A coordinator log in memory for tests: appends commit at once unless {@link #holdCommits} is
 * set; {@link #failAppends} makes the next appends throw. Offsets are positions in the list of
 * entries (records and markers). Thread-safe.
 */
public final class InMemoryCoordinatorLog implements CoordinatorLog {
    private final Map<Integer, List<Entry>> partitions = new ConcurrentHashMap<>();
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private volatile boolean failAppends;
    private volatile boolean holdCommits;

    @Override
    public Appended append(int partition, int leaderEpoch, List<CoordinatorRecord> records) {
        return appendTransactional(partition, leaderEpoch, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                records);
    }

    @Override
    public synchronized Appended appendTransactional(int partition, int leaderEpoch, long producerId,
                                                     short producerEpoch, List<CoordinatorRecord> records) {
        List<Entry> log = begin(partition);
        records.forEach(r -> log.add(new Entry(producerId, r, false)));
        return committed(log);
    }

    @Override
    public synchronized Appended appendMarker(int partition, int leaderEpoch, long producerId, short producerEpoch,
                                              boolean commit, int coordinatorEpoch) {
        List<Entry> log = begin(partition);
        log.add(new Entry(producerId, null, commit));
        return committed(log);
    }

    @Override
    public synchronized void readAll(int partition, LoadSink sink) {
        for (Entry entry : partitions.getOrDefault(partition, List.of())) {
            if (entry.record == null) {
                sink.endTransaction(entry.producerId, entry.commit);
            } else {
                sink.record(entry.producerId, entry.record);
            }
        }
    }

    /** The records of {@code partition} (markers left out). */
    public synchronized List<CoordinatorRecord> records(int partition) {
        List<CoordinatorRecord> records = new ArrayList<>();
        partitions.getOrDefault(partition, List.of()).forEach(e -> {
            if (e.record != null) {
                records.add(e.record);
            }
        });
        return records;
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

    private List<Entry> begin(int partition) {
        if (failAppends) {
            throw new NotLeaderOrFollowerException("test: append refused");
        }
        return partitions.computeIfAbsent(partition, p -> new ArrayList<>());
    }

    private Appended committed(List<Entry> log) {
        CompletableFuture<Void> committed = new CompletableFuture<>();
        if (holdCommits) {
            held.add(committed);
        } else {
            committed.complete(null);
        }
        return new Appended(log.size() - 1, committed);
    }

    /** A record (with its batch's producer id, or -1) or, when {@code record} is null, a marker. */
    private record Entry(long producerId, CoordinatorRecord record, boolean commit) {
    }
}
