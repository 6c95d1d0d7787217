package io.runnel.coordinator.txn;

import java.util.concurrent.CompletableFuture;

/**
 * Hands out producer ids unique in the cluster (the broker's producer id manager, backed by
 * blocks the controller allocates). Asynchronous because a new block may need a metadata write;
 * the coordinator asks for an id before it writes to its shard, never on the shard's thread.
 *
 * <p>Thread-safety: implementations must be safe for concurrent use.
 */
public interface ProducerIdSource {

    /** The next unused producer id; fails with a retriable {@code ApiException} when none is available yet. */
    CompletableFuture<Long> nextProducerId();
}
