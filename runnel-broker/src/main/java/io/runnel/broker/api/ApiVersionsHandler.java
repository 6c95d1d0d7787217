package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.network.RequestDispatcher;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKey;
import org.apache.kafka.common.message.ApiVersionsResponseData.SupportedFeatureKey;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * ApiVersions v0-v5. v3+ carries the client's software name and version, which must be valid
 * (letters, digits, '.', '-'; starting and ending with a letter or digit) or the answer is
 * INVALID_REQUEST. Unsupported request versions are answered by the network layer (KIP-511).
 *
 * <p>v3+ also carries features (KIP-584), as Kafka 4.x: {@code transaction.version} supported
 * 0..2 and finalized at 2, so kafka-clients producers use transaction version 2 (KIP-890: epoch
 * bump at every transaction end, no AddPartitionsToTxn, TxnOffsetCommit without AddOffsetsToTxn).
 * The finalized features epoch is the offset of the metadata image the broker answers from, which
 * only grows (clients keep the features of the highest epoch they saw).
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequestData> {
    static final String TRANSACTION_VERSION = "transaction.version";
    static final short TRANSACTION_VERSION_LEVEL = 2;

    private final Supplier<RequestDispatcher> table;
    private final LongSupplier finalizedFeaturesEpoch;

    /**
     * @param table the table this handler is part of (supplied late: the table is built from handlers)
     * @param finalizedFeaturesEpoch the offset of the metadata image this broker answers from
     */
    public ApiVersionsHandler(Supplier<RequestDispatcher> table, LongSupplier finalizedFeaturesEpoch) {
        this.table = table;
        this.finalizedFeaturesEpoch = finalizedFeaturesEpoch;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiVersionsRequestData request) {
        var response = table.get().apiVersions();
        response.supportedFeatures().add(new SupportedFeatureKey().setName(TRANSACTION_VERSION)
                .setMinVersion((short) 0).setMaxVersion(TRANSACTION_VERSION_LEVEL));
        response.finalizedFeatures().add(new FinalizedFeatureKey().setName(TRANSACTION_VERSION)
                .setMinVersionLevel(TRANSACTION_VERSION_LEVEL).setMaxVersionLevel(TRANSACTION_VERSION_LEVEL));
        response.setFinalizedFeaturesEpoch(Math.max(0, finalizedFeaturesEpoch.getAsLong()));
        if (context.header().apiVersion() >= 3
                && !(validName(request.clientSoftwareName()) && validName(request.clientSoftwareVersion()))) {
            response.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        return CompletableFuture.completedFuture(response);
    }

    private static boolean validName(String s) {
        return s != null && s.matches("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");
    }
}
