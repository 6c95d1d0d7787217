package io.runnel.metadata;

import org.apache.kafka.common.utils.Time;

/**
 * This node's member of the metadata quorum: the Ratis server, the replay of committed records
 * into images, and, while this node leads, the active {@link Controller}.
 *
 * <p>Lifecycle: {@link #start} formats the metadata directory on first start, recovers the log,
 * and returns once a leader is known and this node has replayed everything committed before it
 * started. {@link #close} stops the Ratis server.
 */
public final class MetadataQuorum implements AutoCloseable {
    // IMPLEMENTATION: the metadata module fills this in.

    public static MetadataQuorum start(QuorumSettings settings, Time time) {
        throw new UnsupportedOperationException();
    }

    /** The latest replayed image. */
    public MetadataImage image() {
        throw new UnsupportedOperationException();
    }

    /** Adds a listener; it is called at once with (empty, current image), then on every change. */
    public void addListener(MetadataListener listener) {
        throw new UnsupportedOperationException();
    }

    /** The controller API; calls fail with NotControllerException unless this node leads. */
    public Controller controller() {
        throw new UnsupportedOperationException();
    }

    /** Node id of the active controller, or -1 if none is known. */
    public int activeControllerId() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}
