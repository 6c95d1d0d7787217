package io.runnel.coordinator.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.HashSet;
import java.util.Set;

/**
 * The state of one transactional id, as its latest {@code __transaction_state} record says.
 * Immutable: each transition returns the next value, checked against Kafka's transition table
 * ({@link TransactionState#validPreviousStates}); the shard stores it only when its record is replayed.
 *
 * @param previousProducerId       the producer id before the last transition (differs from
 *                                 {@code producerId} right after a producer id rotation; KIP-360)
 * @param nextProducerId           the producer id the transaction version 2 producer continues with once
 *                                 the markers are written, when ending the transaction exhausted the epoch;
 *                                 {@link RecordBatch#NO_PRODUCER_ID} otherwise
 * @param lastProducerEpoch        the epoch before the last bump, so a producer that retries InitProducerId
 *                                 (KIP-360) or EndTxn (KIP-890) is recognised; -1 when a new producer fenced it
 * @param timeoutMs                the transaction timeout, in milliseconds
 * @param partitions               the partitions of the ongoing (or ending) transaction
 * @param txnStartTimestamp        when the transaction began (epoch milliseconds), -1 when none began
 * @param txnLastUpdateTimestamp   when the state last changed (epoch milliseconds)
 * @param clientTransactionVersion {@link #TV_0} or {@link #TV_2} (KIP-890: the epoch is bumped at every
 *                                 transaction end), as the producer's last request showed
 */
public record TransactionMetadata(String transactionalId, long producerId, long previousProducerId, long nextProducerId,
                                  short producerEpoch, short lastProducerEpoch, int timeoutMs, TransactionState state,
                                  Set<TopicPartition> partitions, long txnStartTimestamp, long txnLastUpdateTimestamp,
                                  short clientTransactionVersion) {
    /** Transaction version of producers that keep their epoch across transactions. */
    public static final short TV_0 = 0;
    /** Transaction version 2 (KIP-890 part 2): every transaction end bumps the producer epoch. */
    public static final short TV_2 = 2;

    public TransactionMetadata {
        partitions = Set.copyOf(partitions);
    }

    /** A transactional id seen for the first time: producer id allocated, no epoch yet. */
    public static TransactionMetadata fresh(String transactionalId, long producerId, int timeoutMs, long nowMs) {
        return new TransactionMetadata(transactionalId, producerId, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_PRODUCER_EPOCH, timeoutMs, TransactionState.EMPTY, Set.of(),
                -1L, nowMs, TV_0);
    }

    /** Whether epochs of {@code epoch}'s producer id are used up (Short.MAX_VALUE is kept for fencing). */
    public static boolean isEpochExhausted(short epoch) {
        return epoch >= Short.MAX_VALUE - 1;
    }

    public boolean isProducerEpochExhausted() {
        return isEpochExhausted(producerEpoch);
    }

    public boolean supportsEpochBump() {
        return clientTransactionVersion >= TV_2;
    }

    /** InitProducerId on an ongoing transaction: bump the epoch so the current producer is fenced. */
    public TransactionMetadata fenceProducerEpoch() {
        short bumped = producerEpoch == Short.MAX_VALUE ? producerEpoch : (short) (producerEpoch + 1);
        return transition(TransactionState.PREPARE_EPOCH_FENCE, producerId, nextProducerId, bumped,
                RecordBatch.NO_PRODUCER_EPOCH, timeoutMs, partitions, txnStartTimestamp, txnLastUpdateTimestamp,
                clientTransactionVersion);
    }

    /**
     * InitProducerId without a transaction in flight: the next epoch of the same producer id.
     *
     * @param expectedEpoch the epoch the producer says it has (KIP-360), or null
     * @throws ProducerFencedException the expected epoch is neither the current nor the last one
     */
    public TransactionMetadata incrementProducerEpoch(int newTimeoutMs, Short expectedEpoch, long nowMs) {
        if (isProducerEpochExhausted()) {
            throw new IllegalStateException("no epochs left for producer id " + producerId);
        }
        short bumped = (short) (producerEpoch + 1);
        short epoch;
        short lastEpoch;
        if (expectedEpoch == null) {
            epoch = bumped;
            lastEpoch = RecordBatch.NO_PRODUCER_EPOCH;
        } else if (producerEpoch == RecordBatch.NO_PRODUCER_EPOCH || expectedEpoch == producerEpoch) {
            epoch = bumped;
            lastEpoch = producerEpoch;
        } else if (expectedEpoch == lastProducerEpoch) {
            // A retry of a bump whose answer was lost: answer the same epoch again.
            epoch = producerEpoch;
            lastEpoch = lastProducerEpoch;
        } else {
            throw new ProducerFencedException("expected epoch " + expectedEpoch + " is neither the current epoch "
                    + producerEpoch + " nor the last epoch " + lastProducerEpoch + " of " + transactionalId);
        }
        return transition(TransactionState.EMPTY, producerId, RecordBatch.NO_PRODUCER_ID, epoch, lastEpoch, newTimeoutMs,
                Set.of(), -1L, nowMs, clientTransactionVersion);
    }

    /** InitProducerId when the epoch is exhausted: a new producer id at epoch 0. */
    public TransactionMetadata rotateProducerId(long newProducerId, int newTimeoutMs, long nowMs, boolean recordLastEpoch) {
        short lastEpoch = recordLastEpoch ? producerEpoch : RecordBatch.NO_PRODUCER_EPOCH;
        return transition(TransactionState.EMPTY, newProducerId, RecordBatch.NO_PRODUCER_ID, (short) 0, lastEpoch,
                newTimeoutMs, Set.of(), -1L, nowMs, clientTransactionVersion);
    }

    /** AddPartitionsToTxn / AddOffsetsToTxn: the transaction is (or stays) ongoing with more partitions. */
    public TransactionMetadata addPartitions(Set<TopicPartition> added, long nowMs, short transactionVersion) {
        long start = state == TransactionState.ONGOING ? txnStartTimestamp : nowMs;
        Set<TopicPartition> all = new HashSet<>(partitions);
        all.addAll(added);
        return transition(TransactionState.ONGOING, producerId, RecordBatch.NO_PRODUCER_ID, producerEpoch,
                lastProducerEpoch, timeoutMs, all, start, nowMs, transactionVersion);
    }

    /**
     * EndTxn or an abort by the coordinator: PrepareCommit or PrepareAbort. Transaction version 2
     * bumps the epoch here (the markers carry the bumped epoch), except past Short.MAX_VALUE.
     *
     * @param next             {@link TransactionState#PREPARE_COMMIT} or {@link TransactionState#PREPARE_ABORT}
     * @param nextProducerId   the producer id to continue with when this bump exhausts the epoch (version 2)
     * @param noPartitionAdded an abort with no transaction ongoing (version 2): it starts now
     */
    public TransactionMetadata prepareEnd(TransactionState next, short transactionVersion, long nextProducerId,
                                          long nowMs, boolean noPartitionAdded) {
        short epoch = producerEpoch;
        short lastEpoch = lastProducerEpoch;
        if (transactionVersion >= TV_2) {
            if (producerEpoch != Short.MAX_VALUE) {
                epoch = (short) (producerEpoch + 1);
            }
            lastEpoch = producerEpoch;
        }
        long start = noPartitionAdded ? nowMs : txnStartTimestamp;
        return transition(next, producerId, nextProducerId, epoch, lastEpoch, timeoutMs, partitions, start, nowMs,
                transactionVersion);
    }

    /**
     * The markers are written: CompleteCommit or CompleteAbort. A version 2 producer whose epoch ran
     * out continues with {@code nextProducerId} at epoch 0.
     */
    public TransactionMetadata complete(long nowMs) {
        TransactionState next = state == TransactionState.PREPARE_COMMIT
                ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT;
        boolean rotate = supportsEpochBump() && nextProducerId != RecordBatch.NO_PRODUCER_ID;
        return transition(next, rotate ? nextProducerId : producerId, RecordBatch.NO_PRODUCER_ID,
                rotate ? 0 : producerEpoch, lastProducerEpoch, timeoutMs, Set.of(), txnStartTimestamp, nowMs,
                clientTransactionVersion);
    }

    /** Expiry of an idle transactional id: checked here, written as a tombstone. */
    public TransactionMetadata dead() {
        return transition(TransactionState.DEAD, producerId, nextProducerId, producerEpoch, lastProducerEpoch,
                timeoutMs, Set.of(), txnStartTimestamp, txnLastUpdateTimestamp, clientTransactionVersion);
    }

    private TransactionMetadata transition(TransactionState next, long newProducerId, long newNextProducerId,
                                           short newEpoch, short newLastEpoch, int newTimeoutMs,
                                           Set<TopicPartition> newPartitions, long newStart, long newUpdate,
                                           short newTransactionVersion) {
        if (!next.validPreviousStates().contains(state)) {
            throw new IllegalStateException(transactionalId + ": illegal transition from " + state.displayName()
                    + " to " + next.displayName());
        }
        if (newProducerId < 0 || (next != TransactionState.DEAD && newEpoch < 0)) {
            throw new IllegalArgumentException(transactionalId + ": illegal producer id " + newProducerId
                    + " or epoch " + newEpoch);
        }
        return new TransactionMetadata(transactionalId, newProducerId, producerId, newNextProducerId, newEpoch,
                newLastEpoch, newTimeoutMs, next, newPartitions, newStart, newUpdate, newTransactionVersion);
    }
}
