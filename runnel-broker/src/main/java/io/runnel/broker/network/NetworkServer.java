package io.runnel.broker.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Kafka protocol server: one TCP listener per {@link ListenerSpec}, all served by the same
 * event loops (epoll when available, NIO otherwise). See the package documentation for the
 * threading model.
 *
 * <p>Lifecycle: {@link #start} binds every listener or fails; {@link #close} stops accepting,
 * closes every connection (pending responses are dropped) and waits at most about 2 s for the
 * event-loop threads to end. Thread-safe.
 */
public final class NetworkServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkServer.class);
    private static final long SHUTDOWN_TIMEOUT_MS = 1_800;

    private final Transport transport;
    private final EventLoopGroup acceptorGroup;
    private final EventLoopGroup ioGroup;
    private final Map<String, Channel> serverChannels = new ConcurrentHashMap<>();
    private final NetworkErrors errors = new NetworkErrors();
    private final AtomicLong connectionSequence = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private NetworkServer(Transport transport, int ioThreads) {
        this.transport = transport;
        this.acceptorGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("runnel-network-acceptor", true),
                transport.ioHandlerFactory());
        this.ioGroup = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("runnel-network", true),
                transport.ioHandlerFactory());
    }

    /**
     * Binds every listener.
     *
     * @throws IllegalStateException a listener cannot be bound (e.g. its port is taken); the message is one line
     * @throws IllegalArgumentException the listeners or settings are unusable
     */
    public static NetworkServer start(List<ListenerSpec> listeners, RequestDispatcher dispatcher, NetworkSettings settings) {
        return start(listeners, dispatcher, settings, Time.SYSTEM);
    }

    /** As {@link #start(List, RequestDispatcher, NetworkSettings)}, with the clock that stamps requests. */
    public static NetworkServer start(List<ListenerSpec> listeners, RequestDispatcher dispatcher, NetworkSettings settings,
                                      Time time) {
        return start(listeners, dispatcher, settings, time, Transport.best());
    }

    /** As {@link #start(List, RequestDispatcher, NetworkSettings, Time)} on the given transport (tests cover both). */
    static NetworkServer start(List<ListenerSpec> listeners, RequestDispatcher dispatcher, NetworkSettings settings,
                               Time time, Transport transport) {
        validate(listeners, settings);
        NetworkServer server = new NetworkServer(transport, settings.numThreads());
        try {
            for (ListenerSpec listener : listeners) {
                server.bind(listener, dispatcher, settings, time);
            }
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static void validate(List<ListenerSpec> listeners, NetworkSettings settings) {
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("No listener to start");
        }
        if (listeners.stream().map(ListenerSpec::name).distinct().count() != listeners.size()) {
            throw new IllegalArgumentException("Listener names must be unique: " + listeners);
        }
        if (settings.numThreads() < 1) {
            throw new IllegalArgumentException("numThreads must be at least 1, got " + settings.numThreads());
        }
        if (settings.socketRequestMaxBytes() < 1) {
            throw new IllegalArgumentException("socketRequestMaxBytes must be positive, got " + settings.socketRequestMaxBytes());
        }
    }

    private void bind(ListenerSpec listener, RequestDispatcher dispatcher, NetworkSettings settings, Time time) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptorGroup, ioGroup)
                .channel(transport.serverChannelType())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        initConnection(channel, listener.name(), dispatcher, settings, time);
                    }
                });
        if (settings.socketReceiveBufferBytes() > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, settings.socketReceiveBufferBytes());
            bootstrap.childOption(ChannelOption.SO_RCVBUF, settings.socketReceiveBufferBytes());
        }
        if (settings.socketSendBufferBytes() > 0) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, settings.socketSendBufferBytes());
        }
        InetSocketAddress address = listener.host() == null || listener.host().isEmpty()
                ? new InetSocketAddress(listener.port())
                : new InetSocketAddress(listener.host(), listener.port());
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new IllegalStateException("Listener " + listener.name() + " cannot bind " + address + ": "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName()));
        }
        serverChannels.put(listener.name(), bound.channel());
        LOG.info("Listener {} bound to {} ({})", listener.name(), bound.channel().localAddress(), transport);
    }

    private void initConnection(Channel channel, String listenerName, RequestDispatcher dispatcher,
                                NetworkSettings settings, Time time) {
        if (settings.connectionsMaxIdleMs() > 0) {
            channel.pipeline().addLast(new IdleStateHandler(0, 0, settings.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS));
        }
        String connectionId = connectionId(channel);
        FrameDecoder frameDecoder = new FrameDecoder(settings.socketRequestMaxBytes());
        channel.pipeline().addLast(frameDecoder);
        channel.pipeline().addLast(new ConnectionHandler(listenerName, connectionId, dispatcher, time, errors, frameDecoder));
    }

    /** Kafka's connection id shape: {@code localHost:localPort-remoteHost:remotePort-sequence}. */
    private String connectionId(Channel channel) {
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        return local.getAddress().getHostAddress() + ":" + local.getPort() + "-"
                + remote.getAddress().getHostAddress() + ":" + remote.getPort() + "-" + connectionSequence.getAndIncrement();
    }

    /** The port a listener is bound to (useful when it was configured as port 0). */
    public int boundPort(String listenerName) {
        Channel channel = serverChannels.get(listenerName);
        if (channel == null) {
            throw new IllegalArgumentException("No listener named " + listenerName);
        }
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /**
     * Errors that were the server's fault since start (an exception reaching a connection pipeline's
     * end, a response that could not be encoded); each was logged. Clients' mistakes are not counted.
     */
    public long unexpectedErrors() {
        return errors.unexpectedCount();
    }

    /** Stops accepting, closes every connection and waits (at most about 2 s) for the event loops. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_TIMEOUT_MS);
        serverChannels.values().forEach(Channel::close);
        Future<?> acceptorDone = acceptorGroup.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS / 2, TimeUnit.MILLISECONDS);
        Future<?> ioDone = ioGroup.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS / 2, TimeUnit.MILLISECONDS);
        boolean terminated = acceptorDone.awaitUninterruptibly(remainingMillis(deadline))
                & ioDone.awaitUninterruptibly(remainingMillis(deadline));
        if (!terminated) {
            LOG.warn("Network threads did not stop within {} ms", SHUTDOWN_TIMEOUT_MS);
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
