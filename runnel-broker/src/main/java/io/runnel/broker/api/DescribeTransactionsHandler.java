package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TransactionState;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeTransactions v0: the state of each transactional id, from its coordinator (this broker
 * must lead the id's {@code __transaction_state} partition: NOT_COORDINATOR otherwise;
 * TRANSACTIONAL_ID_NOT_FOUND for an id it does not know). Ids are answered independently.
 */
public final class DescribeTransactionsHandler implements ApiHandler<DescribeTransactionsRequestData> {
    private final TransactionCoordinator transactions;

    public DescribeTransactionsHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_TRANSACTIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeTransactionsRequestData request) {
        List<CompletableFuture<TransactionState>> states = new ArrayList<>(request.transactionalIds().size());
        for (String id : request.transactionalIds()) {
            states.add(transactions.describeTransaction(id).handle((state, e) -> e == null ? state
                    : new TransactionState().setTransactionalId(id)
                            .setErrorCode(ErrorMapping.toError(e, "DescribeTransactions").code())));
        }
        return CompletableFuture.allOf(states.toArray(CompletableFuture[]::new)).thenApply(ok -> {
            DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
            states.forEach(s -> response.transactionStates().add(s.join()));
            return response;
        });
    }
}
