package io.runnel.coordinator.runtime;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Maps failures of a coordinator write to the errors a group client understands, as Kafka's
 * group coordinator does: a lost or failed partition is NOT_COORDINATOR (the client looks the
 * coordinator up again), a partition that cannot take writes yet is COORDINATOR_NOT_AVAILABLE,
 * an oversized write is UNKNOWN_SERVER_ERROR.
 */
public final class CoordinatorErrors {
    private CoordinatorErrors() {
    }

    public static Errors toError(Throwable failure) {
        Throwable cause = unwrap(failure);
        Errors error = Errors.forException(cause);
        return switch (error) {
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                 REQUEST_TIMED_OUT -> Errors.COORDINATOR_NOT_AVAILABLE;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> error;
        };
    }

    /** The same as {@link #toError}, as an exception to complete a future with. */
    public static ApiException toException(Throwable failure) {
        Errors error = toError(failure);
        return switch (error) {
            case NOT_COORDINATOR -> new NotCoordinatorException(unwrap(failure).getMessage());
            case COORDINATOR_NOT_AVAILABLE -> new CoordinatorNotAvailableException(unwrap(failure).getMessage());
            case UNKNOWN_SERVER_ERROR -> new UnknownServerException(unwrap(failure).getMessage());
            default -> error.exception();
        };
    }

    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
