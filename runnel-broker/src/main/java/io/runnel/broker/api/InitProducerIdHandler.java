package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.producer.ProducerIdManager;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * InitProducerId v0-v5 for idempotent producers: each call hands out a fresh producer id with
 * epoch 0 (an idempotent producer that asks again, v3+ with its old id, gets a new id, as in
 * Kafka). Transactional ids are not supported yet: INVALID_REQUEST (Kafka's transactional
 * producers stop earlier, at FindCoordinator, which Runnel does not advertise yet).
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequestData> {
    private final ProducerIdManager producerIds;

    public InitProducerIdHandler(ProducerIdManager producerIds) {
        this.producerIds = producerIds;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, InitProducerIdRequestData request) {
        if (request.transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponseData()
                    .setErrorCode(Errors.INVALID_REQUEST.code()).setProducerId(-1).setProducerEpoch((short) -1));
        }
        return producerIds.nextProducerId().handle((id, e) -> e != null
                ? new InitProducerIdResponseData().setErrorCode(ErrorMapping.toError(e, "producer id allocation").code())
                        .setProducerId(-1).setProducerEpoch((short) -1)
                : new InitProducerIdResponseData().setProducerId(id).setProducerEpoch((short) 0));
    }
}
