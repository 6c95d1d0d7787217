package io.runnel.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting TCP proxy for tests: it listens on 127.0.0.1 (a free port, {@link #port()})
 * and forwards every accepted connection to one target host:port, so a test can put it between a
 * client and a node, or between two nodes, and then break the link between them.
 *
 * <ul>
 *   <li>{@link #cut()}: closes every open connection on both sides (peers see EOF or a reset) and
 *       closes each new connection as soon as it is accepted, until {@link #heal()}.</li>
 *   <li>{@link #blackhole()}: a partition without resets: connections stay open (new ones are
 *       accepted and connected to the target too) but nothing is forwarded in either direction,
 *       so peers see timeouts; bytes arriving meanwhile, and bytes still held by a delay, are
 *       dropped, not delivered later.</li>
 *   <li>{@link #delay(Duration)}: every chunk read from now on, in both directions, is written
 *       at least that long after it arrived; order is kept. {@link Duration#ZERO} removes it.</li>
 *   <li>{@link #heal()}: plain forwarding again, without delay (connections closed by a cut stay
 *       closed; peers reconnect).</li>
 * </ul>
 *
 * <p>Kafka clients: only the bootstrap connection goes through a proxy put in front of a broker.
 * Metadata returns the broker's advertised address, so the client's later connections bypass the
 * proxy; to cut a client off a broker for good, the broker must advertise the proxy's address.
 *
 * <p>Threads: one acceptor thread, and per connection a reader and a writer thread for each
 * direction (four daemon threads, named {@code tcp-proxy-<port>-...}), all blocking; a reader
 * hands chunks to its writer through a bounded queue, so a delay holds chunks without stalling
 * the reads behind them and a slow receiver pushes back on the sender. The controls are
 * thread-safe and take effect for the next chunk written; {@link #close()} stops listening,
 * closes every connection and waits for the threads to end.
 */
public final class TcpProxy implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final long JOIN_TIMEOUT_MS = 5_000;

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<ProxyLink> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private volatile Mode mode = Mode.FORWARD;
    private volatile long delayNanos;
    private boolean closed; // guarded by this

    private enum Mode { FORWARD, BLACKHOLE, CUT }

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, threadPrefix() + "acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a proxy on a free port of 127.0.0.1 that forwards to {@code targetHost:targetPort}. */
    public static TcpProxy start(String targetHost, int targetPort) {
        try {
            return new TcpProxy(new InetSocketAddress(targetHost, targetPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port this proxy listens on, on 127.0.0.1. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, for a client's bootstrap servers. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Forwarded connections currently open (both sides connected). */
    public int connectionCount() {
        return links.size();
    }

    /** Closes every open connection and refuses new ones until {@link #heal()}. */
    public void cut() {
        List<ProxyLink> open;
        synchronized (this) {
            mode = Mode.CUT;
            open = List.copyOf(links);
        }
        open.forEach(ProxyLink::close);
    }

    /** Keeps connections open but forwards nothing, dropping what arrives, until {@link #heal()}. */
    public void blackhole() {
        synchronized (this) {
            mode = Mode.BLACKHOLE;
        }
    }

    /** Holds every chunk read from now on for {@code latency} before writing it; ZERO removes the delay. */
    public void delay(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("negative delay " + latency);
        }
        delayNanos = latency.toNanos();
    }

    /** Back to plain forwarding: no cut, no blackhole, no delay. */
    public void heal() {
        synchronized (this) {
            delayNanos = 0;
            mode = Mode.FORWARD;
        }
    }

    /** Stops listening, closes every connection and waits for all the proxy's threads to end. */
    @Override
    public void close() {
        List<ProxyLink> open;
        synchronized (this) {
            closed = true;
            open = List.copyOf(links);
        }
        ProxyLink.closeQuietly(server);
        open.forEach(ProxyLink::close);
        try {
            acceptor.join(JOIN_TIMEOUT_MS);
            for (ProxyLink link : open) {
                link.join(JOIN_TIMEOUT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when a chunk due now may be written; false while blackholed or cut. */
    boolean forwarding() {
        return mode == Mode.FORWARD;
    }

    /** The delay, in nanoseconds, for a chunk read now. */
    long delayNanos() {
        return delayNanos;
    }

    void closed(ProxyLink link) {
        links.remove(link);
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // the server socket was closed by close()
            }
            if (mode == Mode.CUT) {
                ProxyLink.closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                ProxyLink.closeQuietly(client);
                ProxyLink.closeQuietly(upstream);
                continue;
            }
            register(client, upstream);
        }
    }

    private synchronized void register(Socket client, Socket upstream) {
        if (closed || mode == Mode.CUT) {
            ProxyLink.closeQuietly(client);
            ProxyLink.closeQuietly(upstream);
            return;
        }
        ProxyLink link = new ProxyLink(this, threadPrefix() + connectionIds.incrementAndGet(), client, upstream);
        links.add(link);
        link.start();
    }

    private String threadPrefix() {
        return "tcp-proxy-" + port() + "-";
    }
}
