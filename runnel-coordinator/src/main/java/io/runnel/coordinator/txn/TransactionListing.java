package io.runnel.coordinator.txn;

import io.runnel.coordinator.runtime.CoordinatorErrors;
import io.runnel.coordinator.runtime.CoordinatorRuntime;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * ListTransactions over the {@code __transaction_state} partitions led here, with Kafka's filters:
 * states by exact name (unknown names are echoed in {@code unknownStateFilters} and match
 * nothing), producer ids, v1's duration (KIP-994: only transactions running longer than
 * {@code durationFilter} milliseconds) and v2's transactional id regular expression (KIP-1152). A
 * shard still loading makes the answer COORDINATOR_LOAD_IN_PROGRESS with no transactions, as Kafka
 * answers.
 */
final class TransactionListing {

    private TransactionListing() {
    }

    static CompletableFuture<ListTransactionsResponseData> list(ListTransactionsRequestData request, int numPartitions,
                                                                Time time,
                                                                CoordinatorRuntime<TransactionCoordinatorShard> runtime) {
        ListTransactionsResponseData response = new ListTransactionsResponseData();
        Set<TransactionState> states = EnumSet.noneOf(TransactionState.class);
        for (String name : request.stateFilters()) {
            TransactionState state = TransactionState.fromName(name);
            if (state == null) {
                response.unknownStateFilters().add(name);
            } else {
                states.add(state);
            }
        }
        Pattern idPattern;
        try {
            String regex = request.transactionalIdPattern();
            idPattern = regex == null || regex.isEmpty() ? null : Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code()));
        }
        Predicate<TransactionMetadata> filter = filter(request, states, idPattern, time.milliseconds());

        List<CompletableFuture<List<ListTransactionsResponseData.TransactionState>>> futures = new ArrayList<>();
        Set<Errors> failures = ConcurrentHashMap.newKeySet();
        for (int p = 0; p < numPartitions; p++) {
            futures.add(runtime.read(p, s -> s.list(filter)).exceptionally(e -> {
                Errors error = CoordinatorErrors.toError(e);
                if (error != Errors.NOT_COORDINATOR) {
                    failures.add(error);
                }
                return List.of();
            }));
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(v -> {
            if (!failures.isEmpty()) {
                Errors error = failures.contains(Errors.COORDINATOR_LOAD_IN_PROGRESS)
                        ? Errors.COORDINATOR_LOAD_IN_PROGRESS : failures.iterator().next();
                return response.setErrorCode(error.code());
            }
            futures.forEach(f -> response.transactionStates().addAll(f.join()));
            return response;
        });
    }

    private static Predicate<TransactionMetadata> filter(ListTransactionsRequestData request,
                                                         Set<TransactionState> states, Pattern idPattern, long nowMs) {
        Set<Long> producerIds = new HashSet<>(request.producerIdFilters());
        boolean filterStates = !request.stateFilters().isEmpty();
        long durationMs = request.durationFilter();
        return m -> (producerIds.isEmpty() || producerIds.contains(m.producerId()))
                && (!filterStates || states.contains(m.state()))
                && (durationMs < 0 || nowMs - m.txnStartTimestamp() > durationMs)
                && (idPattern == null || idPattern.matcher(m.transactionalId()).matches());
    }
}
