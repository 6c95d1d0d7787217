package io.runnel.broker.network;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts errors that are the server's fault rather than a client's (an exception reaching the end
 * of a pipeline, a response that cannot be encoded). Clients' mistakes are not counted.
 *
 * <p>Thread-safe.
 */
final class NetworkErrors {
    private final LongAdder unexpected = new LongAdder();

    void unexpected() {
        unexpected.increment();
    }

    long unexpectedCount() {
        return unexpected.sum();
    }
}
