package io.runnel.metadata.controller;

import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.image.ImageBuilder;
import io.runnel.metadata.record.MetadataRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A metadata log for controller tests: appends either commit at once, or wait until the test
 * commits or fails them. Thread-safe (synchronized).
 */
final class FakeLog implements RecordAppender {
    private record Pending(List<MetadataRecord> records, CompletableFuture<Long> future) {
    }

    private final List<Pending> pending = new ArrayList<>();
    private final List<List<MetadataRecord>> appended = new ArrayList<>();
    private final boolean autoCommit;
    private volatile MetadataImage committed;

    FakeLog(MetadataImage initial, boolean autoCommit) {
        this.committed = initial;
        this.autoCommit = autoCommit;
    }

    MetadataImage committed() {
        return committed;
    }

    @Override
    public synchronized CompletableFuture<Long> append(List<MetadataRecord> records) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        pending.add(new Pending(records, future));
        appended.add(records);
        if (autoCommit) {
            commitAll();
        }
        return future;
    }

    /** Every batch appended so far, committed or not. */
    synchronized List<List<MetadataRecord>> appended() {
        return List.copyOf(appended);
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    void commitAll() {
        List<Pending> batch;
        synchronized (this) {
            batch = new ArrayList<>(pending);
            pending.clear();
            for (Pending p : batch) {
                committed = ImageBuilder.apply(committed, p.records(), committed.offset() + 1);
            }
        }
        long offset = committed.offset();
        batch.forEach(p -> p.future().complete(offset));
    }

    void failAll(Throwable error) {
        List<Pending> batch;
        synchronized (this) {
            batch = new ArrayList<>(pending);
            pending.clear();
        }
        batch.forEach(p -> p.future().completeExceptionally(error));
    }
}
