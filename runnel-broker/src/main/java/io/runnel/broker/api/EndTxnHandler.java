package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * EndTxn v0-5: commits or aborts the producer's ongoing transaction. The answer comes once the
 * coordinator has written PrepareCommit/PrepareAbort; the markers follow in the background.
 * v4 may answer TRANSACTION_ABORTABLE; v5 (transaction version 2) bumps the producer epoch at
 * every end and returns the new producer id and epoch.
 */
public final class EndTxnHandler implements ApiHandler<EndTxnRequestData> {
    private final TransactionCoordinator transactions;

    public EndTxnHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.END_TXN;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, EndTxnRequestData request) {
        return transactions.endTxn(request, context.header().apiVersion()).handle((response, e) -> e == null ? response
                : new EndTxnResponseData().setErrorCode(ErrorMapping.toError(e, "EndTxn").code())
                        .setProducerId(-1).setProducerEpoch((short) -1));
    }
}
