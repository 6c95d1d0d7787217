package io.runnel.broker.txn;

import io.runnel.broker.network.BrokerChannel;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntFunction;

/**
 * Sends requests of the transaction protocol to other brokers (WriteTxnMarkers to partition
 * leaders, AddPartitionsToTxn verification to transaction coordinators) without blocking the
 * caller: each destination broker has one daemon thread, {@code <name>-<id>}, with one
 * {@link BrokerChannel}, and sends its queue in order. A failed connection fails that request
 * with an {@link IOException}; callers retry. The broker keeps one sender for markers and one for
 * verifications, so a marker waiting for a leader's ISR never delays a produce's verification.
 *
 * <p>Thread-safety: safe for concurrent use. {@link #close} stops every sender thread and fails
 * nothing that was already answered.
 */
public final class InterBrokerSender implements AutoCloseable {
    private final String name;
    private final String clientId;
    private final IntFunction<Optional<InetSocketAddress>> endpoints;
    private final int socketTimeoutMs;
    private final Map<Integer, Destination> destinations = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param name names the sender's threads and its client id
     * @param endpoints a broker's inter-broker address as the metadata knows it now
     * @param socketTimeoutMs connect and read timeout in milliseconds
     */
    public InterBrokerSender(String name, int localBrokerId, IntFunction<Optional<InetSocketAddress>> endpoints,
                             int socketTimeoutMs) {
        this.name = name;
        this.clientId = "broker-" + localBrokerId + "-" + name;
        this.endpoints = endpoints;
        this.socketTimeoutMs = socketTimeoutMs;
    }

    /** Sends {@code request} to broker {@code brokerId}; completes with its response or an exception. */
    public CompletableFuture<AbstractResponse> send(int brokerId, AbstractRequest request) {
        CompletableFuture<AbstractResponse> result = new CompletableFuture<>();
        if (closed) {
            return CompletableFuture.failedFuture(new IOException("the inter-broker sender is closed"));
        }
        Destination destination = destinations.computeIfAbsent(brokerId, Destination::new);
        if (closed) { // closed meanwhile: this destination may have been created after close() looked
            destination.close();
        }
        try {
            destination.executor.execute(() -> {
                try {
                    result.complete(destination.channel.send(request));
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IOException("the inter-broker sender is closed"));
        }
        return result;
    }

    @Override
    public void close() {
        closed = true;
        destinations.values().forEach(Destination::close);
        destinations.clear();
    }

    private final class Destination {
        final BrokerChannel channel;
        final ExecutorService executor;

        Destination(int brokerId) {
            this.channel = new BrokerChannel(clientId, () -> endpoints.apply(brokerId), socketTimeoutMs);
            this.executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name + "-" + brokerId);
                t.setDaemon(true);
                return t;
            });
        }

        void close() {
            executor.shutdownNow();
            channel.close();
        }
    }
}
