package io.runnel.broker.network;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.util.function.Supplier;

/** The Netty transport serving the listeners: native epoll on Linux, Java NIO elsewhere. */
enum Transport {
    /** Native epoll; file regions go out with {@code sendfile}. */
    EPOLL(EpollIoHandler::newFactory, EpollServerSocketChannel.class),
    /** Java NIO; file regions go out with {@code FileChannel#transferTo} (also {@code sendfile} on Linux). */
    NIO(NioIoHandler::newFactory, NioServerSocketChannel.class);

    private final Supplier<IoHandlerFactory> ioHandlerFactory;
    private final Class<? extends ServerChannel> serverChannelType;

    Transport(Supplier<IoHandlerFactory> ioHandlerFactory, Class<? extends ServerChannel> serverChannelType) {
        this.ioHandlerFactory = ioHandlerFactory;
        this.serverChannelType = serverChannelType;
    }

    /** Epoll when its native library loads here, else NIO. */
    static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    IoHandlerFactory ioHandlerFactory() {
        return ioHandlerFactory.get();
    }

    Class<? extends ServerChannel> serverChannelType() {
        return serverChannelType;
    }
}
