package io.runnel.coordinator.txn;

import io.runnel.coordinator.runtime.CoordinatorResult;
import org.apache.kafka.common.errors.ConcurrentTransactionsException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * EndTxn's decision table, as Kafka's: what a commit or abort does in each state, for producers
 * of transaction version 1 (EndTxn v0-4: the epoch stays) and 2 (v5+: every end bumps it).
 *
 * <pre>
 * version 1: Ongoing -> Prepare{Commit,Abort}; a retry in the matching Prepare state is
 *            CONCURRENT_TRANSACTIONS, in the matching Complete state NONE; anything else INVALID_TXN_STATE.
 * version 2 (Retry = the producer's epoch is one below ours, Current = equal):
 *                  | Abort: Retry | Abort: Current | Commit: Retry | Commit: Current
 *   Empty          | PF           | EB             | PF            | ITS
 *   CompleteAbort  | NONE         | EB             | ITS           | ITS
 *   CompleteCommit | ITS          | EB             | NONE          | ITS
 *   (PF = PRODUCER_FENCED, ITS = INVALID_TXN_STATE, EB = an empty abort with an epoch bump)
 * </pre>
 */
final class TransactionEnds {

    /** Moves a transaction to a Prepare state (see {@link TransactionCoordinatorShard#prepare}). */
    @FunctionalInterface
    interface Preparer {
        CoordinatorResult<ShardOutcome<EndTxnResponseData>> prepare(TransactionMetadata current, TransactionState next,
                                                                    short transactionVersion, long nextProducerId,
                                                                    boolean noPartitionAdded);
    }

    private TransactionEnds() {
    }

    static CoordinatorResult<ShardOutcome<EndTxnResponseData>> endV1(TransactionMetadata m, long producerId,
                                                                     short producerEpoch, boolean commit,
                                                                     Preparer preparer) {
        if (m.producerId() != producerId) {
            throw new InvalidPidMappingException("producer " + producerId + " is not the producer of "
                    + m.transactionalId());
        }
        if (m.producerEpoch() != producerEpoch) {
            throw fenced(m, producerEpoch);
        }
        TransactionState prepare = commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT;
        TransactionState complete = commit ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT;
        if (m.state() == TransactionState.ONGOING) {
            return preparer.prepare(m, prepare, TransactionMetadata.TV_0, RecordBatch.NO_PRODUCER_ID, false);
        }
        if (m.state() == complete) {
            return answer(RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
        }
        if (m.state() == prepare) {
            throw completing(m);
        }
        throw TransactionCoordinatorShard.invalidTransition(m, commit);
    }

    /**
     * @param newProducerId a producer id to continue with if this end exhausts the epoch, or -1: then
     *                      the outcome asks for one
     */
    static CoordinatorResult<ShardOutcome<EndTxnResponseData>> endV2(TransactionMetadata m, long producerId,
                                                                     short producerEpoch, boolean commit,
                                                                     long newProducerId, Preparer preparer) {
        boolean retryOnOverflow = m.previousProducerId() == producerId && producerEpoch == Short.MAX_VALUE - 1
                && m.producerEpoch() == 0;
        boolean retryOnEpochBump = m.producerEpoch() == producerEpoch + 1;
        boolean validEpoch = switch (m.state()) {
            case PREPARE_COMMIT, PREPARE_ABORT -> retryOnEpochBump;
            case COMPLETE_COMMIT, COMPLETE_ABORT -> retryOnEpochBump || retryOnOverflow
                    || producerEpoch == m.producerEpoch();
            default -> producerEpoch == m.producerEpoch();
        };
        boolean retry = retryOnEpochBump || retryOnOverflow;
        if (m.producerId() != producerId && !retryOnOverflow) {
            throw new InvalidPidMappingException("producer " + producerId + " is not the producer of "
                    + m.transactionalId());
        }
        if (!validEpoch) {
            throw fenced(m, producerEpoch);
        }
        TransactionState next = commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT;
        boolean emptyAbort = !commit && !retry;
        return switch (m.state()) {
            case ONGOING -> prepareV2(m, next, newProducerId, false, preparer);
            case COMPLETE_COMMIT -> commit && retry ? answer(m.producerId(), m.producerEpoch())
                    : emptyAbort ? prepareV2(m, next, newProducerId, true, preparer)
                    : failInvalid(m, commit);
            case COMPLETE_ABORT -> !commit && retry ? answer(m.producerId(), m.producerEpoch())
                    : emptyAbort ? prepareV2(m, next, newProducerId, true, preparer)
                    : failInvalid(m, commit);
            case EMPTY -> commit ? failInvalid(m, true) : prepareV2(m, next, newProducerId, true, preparer);
            case PREPARE_COMMIT -> commit ? failCompleting(m) : failInvalid(m, false);
            case PREPARE_ABORT -> commit ? failInvalid(m, true) : failCompleting(m);
            default -> throw new IllegalStateException(m.transactionalId() + " is in state " + m.state());
        };
    }

    private static CoordinatorResult<ShardOutcome<EndTxnResponseData>> prepareV2(
            TransactionMetadata m, TransactionState next, long newProducerId, boolean noPartitionAdded,
            Preparer preparer) {
        long nextProducerId = RecordBatch.NO_PRODUCER_ID;
        if (m.isProducerEpochExhausted()) {
            if (newProducerId < 0) {
                return CoordinatorResult.of(ShardOutcome.producerIdNeeded());
            }
            nextProducerId = newProducerId;
        }
        return preparer.prepare(m, next, TransactionMetadata.TV_2, nextProducerId, noPartitionAdded);
    }

    private static CoordinatorResult<ShardOutcome<EndTxnResponseData>> answer(long producerId, short producerEpoch) {
        return CoordinatorResult.of(ShardOutcome.answer(new EndTxnResponseData().setProducerId(producerId)
                .setProducerEpoch(producerEpoch)));
    }

    private static <T> T failInvalid(TransactionMetadata m, boolean commit) {
        throw TransactionCoordinatorShard.invalidTransition(m, commit);
    }

    private static <T> T failCompleting(TransactionMetadata m) {
        throw completing(m);
    }

    private static ConcurrentTransactionsException completing(TransactionMetadata m) {
        return new ConcurrentTransactionsException("the last transaction of " + m.transactionalId()
                + " is still completing");
    }

    private static ProducerFencedException fenced(TransactionMetadata m, short producerEpoch) {
        return new ProducerFencedException("epoch " + producerEpoch + " of " + m.transactionalId()
                + " is not the current epoch " + m.producerEpoch());
    }
}
