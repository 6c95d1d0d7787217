package io.runnel.it.harness;

import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection forwarded by a {@link TcpProxy}: the accepted client socket, the socket to the
 * target, and a {@link ProxyPipe} for each direction. It ends when both directions have delivered
 * their EOF, when either socket fails, or on {@link #close()} (a cut or the proxy's close).
 * Thread-safe: pipes and the proxy may close it concurrently; closing is idempotent.
 */
final class ProxyLink {
    private final TcpProxy proxy;
    private final Socket client;
    private final Socket upstream;
    private final ProxyPipe toTarget;
    private final ProxyPipe toClient;
    private final AtomicInteger openDirections = new AtomicInteger(2);
    private final AtomicBoolean closed = new AtomicBoolean();

    ProxyLink(TcpProxy proxy, String name, Socket client, Socket upstream) {
        this.proxy = proxy;
        this.client = client;
        this.upstream = upstream;
        noDelay(client);
        noDelay(upstream);
        this.toTarget = new ProxyPipe(proxy, this, name + "-to-target", client, upstream);
        this.toClient = new ProxyPipe(proxy, this, name + "-to-client", upstream, client);
    }

    void start() {
        toTarget.start();
        toClient.start();
    }

    /** Called by a pipe once it has passed its source's EOF on (half-close); the second one ends the link. */
    void directionDone() {
        if (openDirections.decrementAndGet() == 0) {
            close();
        }
    }

    /** Closes both sockets (peers see EOF or a reset) and stops the pipes' threads. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(client);
        closeQuietly(upstream);
        toTarget.stop();
        toClient.stop();
        proxy.closed(this);
    }

    void join(long timeoutMs) throws InterruptedException {
        toTarget.join(timeoutMs);
        toClient.join(timeoutMs);
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing to end the connection: there is nothing left to do with the error
        }
    }

    private static void noDelay(Socket socket) {
        try {
            socket.setTcpNoDelay(true); // the proxy adds latency only when asked to
        } catch (SocketException e) {
            closeQuietly(socket); // already broken: the pipes will see it and end the link
        }
    }
}
