package io.runnel.coordinator.txn;

/**
 * The transaction coordinator's settings (Kafka's names in brackets).
 *
 * @param maxTimeoutMs                            the largest transaction timeout a producer may ask for, in
 *                                                milliseconds ({@code transaction.max.timeout.ms})
 * @param transactionalIdExpirationMs             how long a transactional id may stay idle (no transaction
 *                                                ongoing) before it is deleted, in milliseconds
 *                                                ({@code transactional.id.expiration.ms})
 * @param abortTimedOutTransactionsIntervalMs     how often ongoing transactions are checked for timeouts, in
 *                                                milliseconds ({@code transaction.abort.timed.out.transaction.cleanup.interval.ms})
 * @param removeExpiredTransactionalIdsIntervalMs how often idle transactional ids are checked for expiry, in
 *                                                milliseconds ({@code transaction.remove.expired.transaction.cleanup.interval.ms})
 */
public record TransactionConfig(int maxTimeoutMs, long transactionalIdExpirationMs,
                                long abortTimedOutTransactionsIntervalMs, long removeExpiredTransactionalIdsIntervalMs) {

    /** Kafka's defaults: 15 minutes, 7 days, 10 seconds, 1 hour. */
    public static TransactionConfig defaults() {
        return new TransactionConfig(900_000, 604_800_000L, 10_000L, 3_600_000L);
    }
}
