package io.runnel.broker.network;

/**
 * Socket server settings, named after Kafka's broker configs.
 *
 * @param socketRequestMaxBytes   largest accepted request frame, bytes ({@code socket.request.max.bytes})
 * @param numThreads              event-loop threads serving connections ({@code num.network.threads})
 * @param connectionsMaxIdleMs    idle connections are closed after this many milliseconds
 *                                ({@code connections.max.idle.ms}); 0 or less disables it
 * @param socketSendBufferBytes   SO_SNDBUF in bytes; -1 keeps the OS default
 * @param socketReceiveBufferBytes SO_RCVBUF in bytes; -1 keeps the OS default
 */
public record NetworkSettings(int socketRequestMaxBytes, int numThreads, long connectionsMaxIdleMs,
                              int socketSendBufferBytes, int socketReceiveBufferBytes) {
}
