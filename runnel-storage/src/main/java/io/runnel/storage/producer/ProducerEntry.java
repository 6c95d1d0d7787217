package io.runnel.storage.producer;

import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One producer's state in one partition: epoch, last (up to five) batches, last timestamp and
 * the first offset of its open transaction. Mutable; owned by {@link ProducerStateManager}
 * under the log's lock.
 */
final class ProducerEntry {
    static final int RETAINED_BATCHES = 5;

    final long producerId;
    short epoch = RecordBatch.NO_PRODUCER_EPOCH;
    final Deque<BatchMetadata> batches = new ArrayDeque<>(RETAINED_BATCHES);
    long lastTimestamp = RecordBatch.NO_TIMESTAMP;
    int coordinatorEpoch = -1;
    long currentTxnFirstOffset = -1;

    ProducerEntry(long producerId) {
        this.producerId = producerId;
    }

    ProducerEntry copy() {
        ProducerEntry c = new ProducerEntry(producerId);
        c.epoch = epoch;
        c.batches.addAll(batches);
        c.lastTimestamp = lastTimestamp;
        c.coordinatorEpoch = coordinatorEpoch;
        c.currentTxnFirstOffset = currentTxnFirstOffset;
        return c;
    }

    int lastSeq() {
        return batches.isEmpty() ? RecordBatch.NO_SEQUENCE : batches.peekLast().lastSeq();
    }

    /** Records a batch under {@code batchEpoch}; a new epoch forgets the old epoch's batches. */
    void add(short batchEpoch, BatchMetadata batch, boolean transactional) {
        if (batchEpoch != epoch) {
            batches.clear();
            epoch = batchEpoch;
        }
        if (batches.size() == RETAINED_BATCHES) {
            batches.removeFirst();
        }
        batches.addLast(batch);
        lastTimestamp = batch.timestamp();
        if (transactional && currentTxnFirstOffset < 0) {
            currentTxnFirstOffset = batch.firstOffset();
        }
    }

    /** The retained batch with exactly this epoch and sequence range, or null. */
    BatchMetadata duplicateOf(short batchEpoch, int firstSeq, int lastSeq) {
        if (batchEpoch != epoch) {
            return null;
        }
        for (BatchMetadata b : batches) {
            if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                return b;
            }
        }
        return null;
    }
}
