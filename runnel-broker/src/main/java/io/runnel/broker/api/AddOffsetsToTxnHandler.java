package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * AddOffsetsToTxn v0-4: adds the group's {@code __consumer_offsets} partition to the transaction
 * (transaction version 1 clients; version 2 clients send TxnOffsetCommit directly and the broker
 * adds the partition). v3+ is flexible, v4 may answer TRANSACTION_ABORTABLE.
 */
public final class AddOffsetsToTxnHandler implements ApiHandler<AddOffsetsToTxnRequestData> {
    private final TransactionCoordinator transactions;

    public AddOffsetsToTxnHandler(TransactionCoordinator transactions) {
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ADD_OFFSETS_TO_TXN;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AddOffsetsToTxnRequestData request) {
        return transactions.addOffsetsToTxn(request).handle((response, e) -> e == null ? response
                : new AddOffsetsToTxnResponseData().setErrorCode(ErrorMapping.toError(e, "AddOffsetsToTxn").code()));
    }
}
