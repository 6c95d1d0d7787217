package io.runnel.it.chaos;

import io.runnel.it.chaos.TransactionalWriter.Outcome;
import io.runnel.it.chaos.TransactionalWriter.Txn;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionCheckerTest {
    private static final Txn COMMITTED = new Txn("p-t0", List.of("p-t0-0", "p-t0-1"), Outcome.COMMITTED);
    private static final Txn ABORTED = new Txn("p-t1", List.of("p-t1-0", "p-t1-1"), Outcome.ABORTED);
    private static final Txn UNKNOWN = new Txn("p-t2", List.of("p-t2-0", "p-t2-1"), Outcome.UNKNOWN);
    private static final List<Txn> TXNS = List.of(COMMITTED, ABORTED, UNKNOWN);

    @Test
    void aCleanRunHasNoViolation() {
        List<String> read = List.of("p-t0-0", "p-t2-0", "p-t0-1", "p-t2-1");
        assertThat(TransactionChecker.violations(TXNS, read, read)).isEmpty();
        List<String> unknownAborted = List.of("p-t0-1", "p-t0-0");
        assertThat(TransactionChecker.violations(TXNS, unknownAborted, unknownAborted)).isEmpty();
    }

    @Test
    void findsEachAnomaly() {
        assertThat(TransactionChecker.violations(TXNS, List.of(), List.of()))
                .containsExactly("lost commit: p-t0 is missing from the final read",
                        "lost commit: p-t0 is missing from the group consumers' reads");
        assertThat(TransactionChecker.violations(TXNS, List.of("p-t0-0", "p-t0-1", "p-t1-1"), List.of("p-t0-0", "p-t0-1")))
                .containsExactly("aborted read: final read read 1 records of aborted p-t1");
        assertThat(TransactionChecker.violations(TXNS, List.of("p-t0-0", "p-t0-1", "p-t2-0"), List.of("p-t0-0", "p-t0-1", "p-t2-0")))
                .containsExactly("torn transaction: final read read 1 of the 2 records of p-t2 (UNKNOWN)",
                        "torn transaction: group consumers' reads read 1 of the 2 records of p-t2 (UNKNOWN)");
        assertThat(TransactionChecker.violations(TXNS, List.of("p-t0-0", "p-t0-1", "p-t0-1"), List.of("p-t0-0", "p-t0-1", "p-t0-1")))
                .containsExactly("duplicate: p-t0-1 read 2 times");
    }
}
