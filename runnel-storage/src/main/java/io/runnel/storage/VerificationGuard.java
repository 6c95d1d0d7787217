package io.runnel.storage;

/**
 * KIP-890 token: a transactional write that begins a transaction must carry the guard that was
 * current when the broker verified the partition with the transaction coordinator. A marker for
 * the producer retires its guard, so a late write verified before the marker cannot start a
 * transaction after it (a "hanging" transaction).
 *
 * <p>Compared by identity; carries no state. Thread-safe (immutable).
 */
public final class VerificationGuard {

    @Override
    public String toString() {
        return "VerificationGuard@" + Integer.toHexString(System.identityHashCode(this));
    }
}
