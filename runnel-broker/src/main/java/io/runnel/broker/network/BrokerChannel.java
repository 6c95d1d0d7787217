package io.runnel.broker.network;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A blocking Kafka-protocol connection from this broker to another: one request at a time, each
 * answered before the next is sent (as Kafka's follower does). Used by a follower's fetcher to
 * reach its leader and by the transaction senders to reach partition leaders and transaction
 * coordinators. Connects lazily to the address {@code endpoint} resolves at that moment, so a
 * broker that re-registered on another port is found; any I/O failure closes the connection and
 * the next request reconnects.
 *
 * <p>Used by one thread at a time; {@link #close} may be called from another thread to unblock it.
 */
public final class BrokerChannel implements AutoCloseable {
    private final String clientId;
    private final Supplier<Optional<InetSocketAddress>> endpoint;
    private final int socketTimeoutMs;
    private volatile Socket socket;
    private DataInputStream in;
    private DataOutputStream out;
    private int correlationId;

    /** @param socketTimeoutMs connect and read timeout, in milliseconds */
    public BrokerChannel(String clientId, Supplier<Optional<InetSocketAddress>> endpoint, int socketTimeoutMs) {
        this.clientId = clientId;
        this.endpoint = endpoint;
        this.socketTimeoutMs = socketTimeoutMs;
    }

    /**
     * Sends {@code request} and waits for its response.
     *
     * @throws IOException no endpoint, connection failure, timeout or a mismatched answer; the
     *     connection is closed
     */
    public AbstractResponse send(AbstractRequest request) throws IOException {
        return send(request, () -> false);
    }

    /**
     * As {@link #send(AbstractRequest)}, but gives up (IOException, connection closed) when
     * {@code cancelled} holds once connected, before the request is written: a {@link #close}
     * from another thread cannot cut short a request whose connection it did not see yet.
     */
    public AbstractResponse send(AbstractRequest request, BooleanSupplier cancelled) throws IOException {
        try {
            connectIfNeeded();
            if (cancelled.getAsBoolean()) {
                throw new IOException("cancelled before it was sent");
            }
            RequestHeader header = new RequestHeader(request.apiKey(), request.version(), clientId, ++correlationId);
            ByteBuffer frame = request.serializeWithHeader(header);
            out.writeInt(frame.remaining());
            out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
            out.flush();
            int size = in.readInt();
            byte[] bytes = new byte[size];
            in.readFully(bytes);
            return AbstractResponse.parseResponse(ByteBuffer.wrap(bytes), header);
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private void connectIfNeeded() throws IOException {
        if (socket != null) {
            return;
        }
        InetSocketAddress address = endpoint.get().orElseThrow(() -> new IOException("the broker has no endpoint"));
        Socket s = new Socket();
        try {
            s.connect(address, socketTimeoutMs);
            s.setSoTimeout(socketTimeoutMs);
            s.setTcpNoDelay(true);
            in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 * 1024));
            out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 64 * 1024));
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing: nothing left to do with this socket
            }
        }
    }
}
