package io.runnel.broker.fetch;

import io.runnel.broker.purgatory.DelayedOperation;

import java.util.List;

/**
 * A fetch parked until {@code minBytes} are available to it, a partition has an error to report,
 * or {@code max.wait.ms} passes. Completion runs the read and sends the response.
 */
public final class DelayedFetch extends DelayedOperation {
    private final FetchReader reader;
    private final List<PartitionFetch> partitions;
    private final FetchParams params;
    private final Runnable respond;

    /** @param respond reads and completes the response; runs once */
    public DelayedFetch(long maxWaitMs, FetchReader reader, List<PartitionFetch> partitions, FetchParams params,
                        Runnable respond) {
        super(maxWaitMs);
        this.reader = reader;
        this.partitions = partitions;
        this.params = params;
        this.respond = respond;
    }

    @Override
    public boolean tryComplete() {
        long available = reader.availableBytes(partitions, params);
        if (available < 0 || available >= params.minBytes()) {
            return forceComplete();
        }
        return false;
    }

    @Override
    protected void onComplete() {
        respond.run();
    }
}
