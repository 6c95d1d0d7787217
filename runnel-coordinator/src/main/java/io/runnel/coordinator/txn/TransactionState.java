package io.runnel.coordinator.txn;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a transactional id, with Kafka's ids (stored in {@code __transaction_state}) and
 * names (shown by DescribeTransactions and ListTransactions).
 *
 * <p>{@link #PREPARE_EPOCH_FENCE} and {@link #DEAD} are never stored: a fence is written as a
 * PrepareAbort with the bumped epoch, and an expired id as a tombstone. They exist so that those
 * two paths are checked against Kafka's transition table like every other transition.
 */
public enum TransactionState {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort"),
    DEAD(6, "Dead"),
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

    private static final TransactionState[] BY_ID = values();

    private final short id;
    private final String displayName;

    TransactionState(int id, String displayName) {
        this.id = (short) id;
        this.displayName = displayName;
    }

    public short id() {
        return id;
    }

    /** Kafka's name of the state, as the admin APIs report it. */
    public String displayName() {
        return displayName;
    }

    /** The states this one may be entered from (Kafka's transition table). */
    public Set<TransactionState> validPreviousStates() {
        return switch (this) {
            case EMPTY -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case ONGOING -> EnumSet.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_COMMIT -> EnumSet.of(ONGOING);
            // Transaction version 2 may abort with no transaction ongoing (an empty abort).
            case PREPARE_ABORT -> EnumSet.of(ONGOING, PREPARE_EPOCH_FENCE, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case COMPLETE_COMMIT -> EnumSet.of(PREPARE_COMMIT);
            case COMPLETE_ABORT -> EnumSet.of(PREPARE_ABORT);
            case DEAD -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_EPOCH_FENCE -> EnumSet.of(ONGOING);
        };
    }

    /** Whether a transactional id in this state may expire: no transaction is in flight. */
    public boolean isExpirationAllowed() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    public boolean isPrepare() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    public static TransactionState fromId(short id) {
        if (id < 0 || id >= BY_ID.length) {
            throw new IllegalStateException("unknown transaction state id " + id);
        }
        return BY_ID[id];
    }

    /** The state named {@code name} exactly (Kafka's name, as ListTransactions filters match it), or null. */
    public static TransactionState fromName(String name) {
        for (TransactionState state : BY_ID) {
            if (state.displayName.equals(name)) {
                return state;
            }
        }
        return null;
    }
}
