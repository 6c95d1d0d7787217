package io.runnel.broker;

import io.runnel.broker.config.BrokerConfig;

/**
 * One Runnel node: storage, metadata quorum member and Kafka protocol server.
 *
 * <p>Lifecycle: {@link #start} formats storage on first start, recovers logs, joins the metadata
 * quorum and opens the listeners; it returns once the node answers requests. {@link #close}
 * shuts down cleanly (listeners closed, logs flushed, clean-shutdown marker written).
 */
public final class Broker implements AutoCloseable {
    // IMPLEMENTATION: in progress on main.

    /**
     * @throws org.apache.kafka.common.config.ConfigException a config value is unusable
     * @throws io.runnel.metadata.StartupException storage belongs to another node or cluster
     */
    public static Broker start(BrokerConfig config) {
        throw new UnsupportedOperationException();
    }

    /** The port a listener is bound to (useful when it was configured as port 0). */
    public int boundPort(String listenerName) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}
