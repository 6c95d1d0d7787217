package io.runnel.cli.transactions;

/** Why an open transaction is hanging, as {@code runnel transactions list --hanging} prints it. */
enum HangingReason {
    /** No coordinator lists a transactional id for the producer id: nobody will ever end it. */
    UNKNOWN_PRODUCER("unknown-producer"),
    /** The coordinator knows the transactional id but its current transaction does not include this partition. */
    NOT_IN_TRANSACTION("not-in-transaction");

    private final String label;

    HangingReason(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
