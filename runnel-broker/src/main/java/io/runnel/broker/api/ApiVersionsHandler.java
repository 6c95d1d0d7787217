package io.runnel.broker.api;

import io.runnel.broker.network.RequestContext;
import io.runnel.broker.network.RequestDispatcher;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * ApiVersions v0-v5. v3+ carries the client's software name and version, which must be valid
 * (letters, digits, '.', '-'; starting and ending with a letter or digit) or the answer is
 * INVALID_REQUEST. Unsupported request versions are answered by the network layer (KIP-511).
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequestData> {
    private final Supplier<RequestDispatcher> table;

    /** @param table the table this handler is part of (supplied late: the table is built from handlers) */
    public ApiVersionsHandler(Supplier<RequestDispatcher> table) {
        this.table = table;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiVersionsRequestData request) {
        var response = table.get().apiVersions();
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
