package io.runnel.it.chaos;

import io.runnel.it.chaos.TransactionalWriter.Outcome;
import io.runnel.it.chaos.TransactionalWriter.Txn;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges a {@link TransactionChaosIT} run against the anomalies Jepsen's analyses of Kafka
 * transactions found in real systems, on what read_committed readers saw: the final read of the
 * whole topic, and what the group's consumers read during the run, together (a transaction spans
 * partitions that different members may own).
 * <ul>
 *   <li>lost commit: a transaction whose commit the client saw succeed is missing records in the final read;
 *   <li>aborted read: a record of a transaction the client aborted was read;
 *   <li>torn transaction: a reader saw some but not all records of a transaction (an unknown
 *       outcome may go either way, but atomically);
 *   <li>duplicate: the final read holds a value twice (group consumers may legitimately re-read
 *       after a rebalance, so only the final read is checked for this).
 * </ul>
 * The consumers are checked after they caught up with the final read.
 */
final class TransactionChecker {
    private TransactionChecker() {
    }

    static List<String> violations(Collection<Txn> txns, List<String> finalRead, Collection<String> consumersRead) {
        List<String> violations = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        finalRead.forEach(v -> counts.merge(v, 1, Integer::sum));
        counts.forEach((value, n) -> {
            if (n > 1) {
                violations.add("duplicate: " + value + " read " + n + " times");
            }
        });
        check("final read", txns, counts.keySet(), violations);
        check("group consumers' reads", txns, new HashSet<>(consumersRead), violations);
        return violations;
    }

    private static void check(String reader, Collection<Txn> txns, Set<String> read, List<String> violations) {
        for (Txn txn : txns) {
            long seen = txn.values().stream().filter(read::contains).count();
            if (seen == 0 && txn.outcome() == Outcome.COMMITTED) {
                violations.add("lost commit: " + txn.id() + " is missing from the " + reader);
            } else if (seen > 0 && txn.outcome() == Outcome.ABORTED) {
                violations.add("aborted read: " + reader + " read " + seen + " records of aborted " + txn.id());
            } else if (seen > 0 && seen < txn.values().size()) {
                violations.add("torn transaction: " + reader + " read " + seen + " of the " + txn.values().size()
                        + " records of " + txn.id() + " (" + txn.outcome() + ")");
            }
        }
    }
}
