package io.runnel.storage.cleaner;

import io.runnel.storage.index.TxnIndexEntry;
import io.runnel.storage.log.TxnMarkers;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The transactions a clean walks through, batch by batch in offset order (Kafka's
 * {@code CleanedTransactionMetadata}): which data batches belong to aborted transactions (they
 * are dropped: aborted records must never become a key's latest value) and which markers may go.
 *
 * <p>One walk covers every segment a clean rewrites, from the log start, so a transaction whose
 * data and marker lie in different segment groups is seen whole. An aborted transaction becomes
 * "current" for its producer once the walk reaches its first offset; its batches are discarded
 * until its ABORT marker. A marker may be removed only when the walk saw none of its
 * transaction's data batches (they were cleaned away by an earlier clean); an ABORT marker kept
 * because its data was seen keeps its index entry in the cleaned segment
 * ({@link #takeRetainedAborts()}). Transactions undecided at the clean are never aborted here:
 * the cleaner stops at the first unstable offset.
 *
 * <p>Not thread-safe: one per walk.
 */
final class CleanedTransactions {
    private final Deque<TxnIndexEntry> pending;
    private final Map<Long, Aborted> currentAborted = new HashMap<>();
    private final Set<Long> currentCommitted = new HashSet<>();
    private final List<TxnIndexEntry> retainedAborts = new ArrayList<>();

    /** An aborted transaction the walk is inside, and whether it saw one of its data batches. */
    private static final class Aborted {
        final TxnIndexEntry entry;
        boolean dataSeen;

        Aborted(TxnIndexEntry entry) {
            this.entry = entry;
        }
    }

    /** @param aborted the aborted transactions overlapping the walked range, in first offset order */
    CleanedTransactions(List<TxnIndexEntry> aborted) {
        this.pending = new ArrayDeque<>(aborted);
    }

    /**
     * Walks over a data batch.
     *
     * @return true when it belongs to an aborted transaction and is to be discarded
     */
    boolean onDataBatch(RecordBatch batch) {
        consumeAbortedUpTo(batch.lastOffset());
        if (!batch.isTransactional()) {
            return false;
        }
        Aborted aborted = currentAborted.get(batch.producerId());
        if (aborted != null) {
            aborted.dataSeen = true;
            return true;
        }
        currentCommitted.add(batch.producerId());
        return false;
    }

    /**
     * Walks over a control batch.
     *
     * @return true when the marker may be removed (once its delete horizon passes)
     */
    boolean onControlBatch(RecordBatch batch) {
        consumeAbortedUpTo(batch.lastOffset());
        EndTransactionMarker marker = TxnMarkers.of(batch);
        if (marker == null) {
            return true;
        }
        long producerId = batch.producerId();
        if (marker.controlType() == ControlRecordType.ABORT) {
            Aborted aborted = currentAborted.remove(producerId);
            if (aborted != null && aborted.dataSeen) {
                retainedAborts.add(aborted.entry);
                return false;
            }
            return true;
        }
        return !currentCommitted.remove(producerId);
    }

    /**
     * Index entries of the ABORT markers kept since the last call because the walk discarded
     * their data (the entries of the segment group just walked).
     */
    List<TxnIndexEntry> takeRetainedAborts() {
        List<TxnIndexEntry> taken = new ArrayList<>(retainedAborts);
        retainedAborts.clear();
        return taken;
    }

    private void consumeAbortedUpTo(long offset) {
        while (!pending.isEmpty() && pending.peekFirst().firstOffset() <= offset) {
            TxnIndexEntry entry = pending.pollFirst();
            currentAborted.putIfAbsent(entry.producerId(), new Aborted(entry));
        }
    }
}
