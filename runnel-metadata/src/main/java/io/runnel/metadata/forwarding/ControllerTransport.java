package io.runnel.metadata.forwarding;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Carries an encoded controller call ({@link ControllerMessages#encodeCall}) to the active
 * controller and brings its encoded reply back. The future fails (typically with an
 * {@code IOException}) when no leader could be reached within the transport's own bounded retries.
 * Thread-safe.
 */
@FunctionalInterface
public interface ControllerTransport {
    CompletableFuture<ByteBuffer> send(ByteBuffer call);
}
