package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * ListTransactions v0-2: the transactions of the {@code __transaction_state} partitions this
 * broker leads, filtered by state and producer id; v1+ by a minimum running duration, v2+ by a
 * transactional id pattern (KIP-1152). Partitions still loading are reported in the error code
 * (COORDINATOR_LOAD_IN_PROGRESS) with what is known.
 */
public final class ListTransactionsHandler implements ApiHandler<ListTransactionsRequestData> {
    private final TransactionCoordinator transactions;

    public ListTransactionsHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_TRANSACTIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ListTransactionsRequestData request) {
        return transactions.listTransactions(request).handle((response, e) -> e == null ? response
                : new ListTransactionsResponseData().setErrorCode(ErrorMapping.toError(e, "ListTransactions").code()));
    }
}
