package io.runnel.storage.log;

import io.runnel.storage.EpochEndOffset;
import io.runnel.storage.checkpoint.LeaderEpochCheckpointFile;
import io.runnel.storage.checkpoint.LeaderEpochCheckpointFile.Entry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Leader epochs of one partition and the first offset written in each, persisted to
 * {@code leader-epoch-checkpoint} on every change.
 *
 * <p>Thread-safe (synchronized): appends update it under the log's lock while
 * OffsetForLeaderEpoch reads it from request threads.
 */
final class LeaderEpochCache {
    private static final int UNDEFINED = -1;

    private final LeaderEpochCheckpointFile file;
    private final List<Entry> entries;

    private LeaderEpochCache(LeaderEpochCheckpointFile file, List<Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    static LeaderEpochCache load(Path partitionDir) throws IOException {
        LeaderEpochCheckpointFile file = new LeaderEpochCheckpointFile(partitionDir);
        return new LeaderEpochCache(file, new ArrayList<>(file.read()));
    }

    /** Records that {@code epoch} starts at {@code startOffset}, if it is newer than the latest. */
    synchronized void assign(int epoch, long startOffset) throws IOException {
        if (epoch >= 0 && epoch > latestEpoch()) {
            entries.add(new Entry(epoch, startOffset));
            file.write(entries);
        }
    }

    synchronized int latestEpoch() {
        return entries.isEmpty() ? UNDEFINED : entries.get(entries.size() - 1).epoch();
    }

    /**
     * Kafka's OffsetForLeaderEpoch answer: for the latest epoch, the log end offset; for an
     * older one, the largest known epoch at or below it and the start offset of the next
     * epoch; for an epoch below every known one, the requested epoch and the first start offset;
     * (-1, -1) for an undefined or future epoch.
     */
    synchronized EpochEndOffset endOffsetFor(int epoch, long logEndOffset) {
        if (epoch == UNDEFINED || entries.isEmpty()) {
            return new EpochEndOffset(UNDEFINED, UNDEFINED);
        }
        if (epoch == latestEpoch()) {
            return new EpochEndOffset(epoch, logEndOffset);
        }
        Entry floor = null;
        for (Entry e : entries) {
            if (e.epoch() > epoch) {
                return floor == null ? new EpochEndOffset(epoch, e.startOffset())
                        : new EpochEndOffset(floor.epoch(), e.startOffset());
            }
            floor = e;
        }
        return new EpochEndOffset(UNDEFINED, UNDEFINED);
    }

    /** Forgets epochs starting at or after {@code endOffset} (the log was truncated there). */
    synchronized void truncateFromEnd(long endOffset) throws IOException {
        if (entries.removeIf(e -> e.startOffset() >= endOffset)) {
            file.write(entries);
        }
    }

    /**
     * The log now starts at {@code startOffset}: epochs wholly below it are forgotten and the
     * epoch containing it starts there.
     */
    synchronized void truncateFromStart(long startOffset) throws IOException {
        boolean changed = false;
        while (entries.size() > 1 && entries.get(1).startOffset() <= startOffset) {
            entries.remove(0);
            changed = true;
        }
        if (!entries.isEmpty() && entries.get(0).startOffset() < startOffset) {
            entries.set(0, new Entry(entries.get(0).epoch(), startOffset));
            changed = true;
        }
        if (changed) {
            file.write(entries);
        }
    }
}
