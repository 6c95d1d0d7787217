package io.runnel.broker.network;

import org.apache.kafka.common.requests.RequestHeader;

import java.net.InetSocketAddress;

/**
 * Where a request came from.
 *
 * @param header            the parsed request header
 * @param listenerName      the listener the connection was accepted on
 * @param clientAddress     the client's address and port
 * @param connectionId      unique per connection: {@code local-remote-sequence}, as Kafka's
 * @param receivedTimeNanos when the whole frame had arrived ({@code Time#nanoseconds})
 */
public record RequestContext(RequestHeader header, String listenerName, InetSocketAddress clientAddress,
                             String connectionId, long receivedTimeNanos) {
}
