package io.runnel.broker.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;

/**
 * Writes one transaction marker to a partition this broker leads ({@link LocalMarkers} in the
 * broker). Implementations are thread-safe and never block the caller.
 */
@FunctionalInterface
public interface MarkerAppender {

    /** Completes, never exceptionally, with the partition's answer: NONE once the marker is on the ISR. */
    CompletableFuture<Errors> write(TopicPartition tp, long producerId, short producerEpoch, boolean commit,
                                    int coordinatorEpoch);
}
