package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.producer.ProducerIdManager;
import io.runnel.coordinator.txn.TransactionCoordinator;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId v0-v5.
 * <ul>
 *   <li>Without a transactional id (idempotent producers): each call hands out a fresh producer
 *       id with epoch 0 (an idempotent producer that asks again, v3+ with its old id, gets a new
 *       id, as in Kafka).</li>
 *   <li>With one: the transaction coordinator of the id answers (this broker must lead its
 *       {@code __transaction_state} partition, else NOT_COORDINATOR): the id's producer id with a
 *       bumped epoch, fencing older producers and aborting their ongoing transaction first
 *       (CONCURRENT_TRANSACTIONS while that completes); v3+ with the producer's current id and
 *       epoch lets it recover from an abortable error.</li>
 * </ul>
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequestData> {
    private final ProducerIdManager producerIds;
    private final TransactionCoordinator transactions;

    public InitProducerIdHandler(ProducerIdManager producerIds, TransactionCoordinator transactions) {
        this.producerIds = producerIds;
        this.transactions = transactions;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, InitProducerIdRequestData request) {
        if (request.transactionalId() != null) {
            return transactions.initProducerId(request).handle((response, e) -> e != null
                    ? failed(ErrorMapping.toError(e, "InitProducerId").code()) : response);
        }
        return producerIds.nextProducerId().handle((id, e) -> e != null
                ? failed(ErrorMapping.toError(e, "producer id allocation").code())
                : new InitProducerIdResponseData().setProducerId(id).setProducerEpoch((short) 0));
    }

    private static InitProducerIdResponseData failed(short errorCode) {
        return new InitProducerIdResponseData().setErrorCode(errorCode).setProducerId(-1).setProducerEpoch((short) -1);
    }
}
