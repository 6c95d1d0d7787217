package io.runnel.storage.producer;

import io.runnel.storage.VerificationGuard;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.HashMap;
import java.util.Map;

/**
 * The producer-state changes of one append, checked batch by batch against the committed state
 * plus the earlier batches of the same append, and applied only by
 * {@link ProducerStateManager#commit} once the batches are on disk.
 *
 * <p>Kafka's rules: a lower epoch is fenced ({@link InvalidProducerEpochException}); a new epoch
 * starts at sequence 0 unless the producer is unknown (expired state: accepted, KIP-360); within
 * an epoch the first sequence follows the last one, wrapping after {@link Integer#MAX_VALUE}.
 * Transactional batches follow the same rules; one that begins a transaction must carry the
 * producer's current verification guard when the append is verified (KIP-890).
 */
public final class ProducerAppend {
    private final ProducerStateManager manager;
    private final VerificationGuard guard;
    private Map<Long, ProducerEntry> updated;
    private BatchMetadata duplicate;

    ProducerAppend(ProducerStateManager manager, VerificationGuard guard) {
        this.manager = manager;
        this.guard = guard;
    }

    /**
     * Checks and records one batch. A batch that repeats one of the producer's last five
     * (same epoch and sequence range, in the committed state) is not recorded: it is remembered
     * as {@link #duplicate()} and the caller appends nothing.
     *
     * @throws OutOfOrderSequenceException sequence gap, or a known producer's new epoch not starting at 0
     * @throws InvalidProducerEpochException epoch lower than the producer's current one
     * @throws InvalidTxnStateException a transactional batch begins a transaction without the
     *     producer's current verification guard (the append is verified), or a non-transactional
     *     batch comes while the producer's transaction is ongoing
     */
    public void add(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset,
                    long maxTimestamp, boolean transactional) {
        BatchMetadata dup = manager.findDuplicate(producerId, epoch, firstSeq, lastSeq);
        if (dup != null) {
            duplicate = duplicate == null ? dup : duplicate;
            return;
        }
        if (updated == null) {
            updated = new HashMap<>(4);
        }
        ProducerEntry entry = updated.get(producerId);
        if (entry == null) {
            ProducerEntry current = manager.entry(producerId);
            entry = current == null ? new ProducerEntry(producerId) : current.copy();
            updated.put(producerId, entry);
        }
        if (transactional && guard != null && entry.currentTxnFirstOffset < 0
                && guard != manager.currentGuard(producerId)) {
            throw new InvalidTxnStateException("Transactional batch of producer " + producerId
                    + " begins a transaction the coordinator did not verify (or a marker already ended it)");
        }
        if (epoch < entry.epoch) {
            throw new InvalidProducerEpochException("Producer " + producerId + "'s epoch " + epoch
                    + " is older than the current epoch " + entry.epoch);
        }
        if (epoch != entry.epoch) {
            if (firstSeq != 0 && entry.epoch != RecordBatch.NO_PRODUCER_EPOCH) {
                throw new OutOfOrderSequenceException("Invalid sequence number for new epoch of producer "
                        + producerId + ": " + epoch + " (request epoch), " + firstSeq + " (seq. number), "
                        + entry.epoch + " (current producer epoch)");
            }
        } else {
            int lastSeqSoFar = entry.lastSeq();
            if (entry.epoch != RecordBatch.NO_PRODUCER_EPOCH && !inSequence(lastSeqSoFar, firstSeq)) {
                throw new OutOfOrderSequenceException("Out of order sequence number for producer " + producerId
                        + " at offset " + firstOffset + ": " + firstSeq + " (incoming seq. number), "
                        + lastSeqSoFar + " (current end sequence number)");
            }
        }
        if (!transactional && entry.currentTxnFirstOffset >= 0) {
            throw new InvalidTxnStateException("Expected a transactional write from producer " + producerId
                    + " at offset " + firstOffset + ": its transaction from offset " + entry.currentTxnFirstOffset
                    + " is ongoing");
        }
        entry.add(epoch, new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, maxTimestamp), transactional);
    }

    /** The original batch a retried one repeats, or null. */
    public BatchMetadata duplicate() {
        return duplicate;
    }

    Map<Long, ProducerEntry> updated() {
        return updated == null ? Map.of() : updated;
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }
}
