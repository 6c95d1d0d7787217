package io.runnel.broker.api;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps a failure to the error code a client expects. A client's mistake is an {@link ApiException}
 * and is not logged; anything else is a broker bug or an environment failure and is logged once,
 * here, at the boundary.
 */
final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    static Errors toError(Throwable failure, String what) {
        Throwable cause = unwrap(failure);
        if (!(cause instanceof ApiException)) {
            log.error("Unexpected failure in {}", what, cause);
        }
        return Errors.forException(cause);
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
