package io.runnel.broker.txn;

/**
 * What a transactional write asks of its coordinator before a partition's first batch of a
 * transaction is appended (KIP-890), by request version, as Kafka's
 * {@code AddPartitionsToTxnManager.TransactionSupportedOperation}:
 * <ul>
 *   <li>{@link #DEFAULT_ERROR}: verify only; the client does not know TRANSACTION_ABORTABLE, which
 *       becomes INVALID_TXN_STATE (Produce v0-10, TxnOffsetCommit v0-3);</li>
 *   <li>{@link #GENERIC_ERROR}: verify only; TRANSACTION_ABORTABLE passes (Produce v11, TxnOffsetCommit v4);</li>
 *   <li>{@link #ADD_PARTITION}: transaction version 2 clients send no AddPartitionsToTxn, so the
 *       broker adds the partition to the transaction itself (Produce v12+, TxnOffsetCommit v5+).</li>
 * </ul>
 */
public enum VerificationMode {
    DEFAULT_ERROR,
    GENERIC_ERROR,
    ADD_PARTITION;

    public static VerificationMode forProduce(short version) {
        return version > 11 ? ADD_PARTITION : version > 10 ? GENERIC_ERROR : DEFAULT_ERROR;
    }

    public static VerificationMode forTxnOffsetCommit(short version) {
        return version > 4 ? ADD_PARTITION : version > 3 ? GENERIC_ERROR : DEFAULT_ERROR;
    }

    /** True when the coordinator adds the partitions (verifyOnly=false) rather than only checking them. */
    public boolean adds() {
        return this == ADD_PARTITION;
    }
}
