package io.runnel.it.harness;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The proxy's controls against an echo server on 127.0.0.1, and a Kafka bootstrap through it to a real broker. */
class TcpProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private EchoServer echo;
    private TcpProxy proxy;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        echo = new EchoServer();
        proxy = TcpProxy.start("127.0.0.1", echo.port());
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsBothWaysAndCountsConnections() throws IOException {
        Socket client = connect();
        assertThat(roundTrip(client, "hello")).isEqualTo("hello");
        assertThat(roundTrip(client, "again")).isEqualTo("again");
        assertThat(proxy.connectionCount()).isEqualTo(1);

        client.close();
        await().atMost(WAIT).until(() -> proxy.connectionCount() == 0);
    }

    @Test
    void cutClosesOpenConnectionsAndRefusesNewOnesUntilHealed() throws IOException {
        Socket open = connect();
        assertThat(roundTrip(open, "before")).isEqualTo("before");

        proxy.cut();
        assertThat(closedByPeer(open)).isTrue();
        assertThat(proxy.connectionCount()).isZero();
        assertThat(closedByPeer(connect())).as("a connection made while cut is closed at once").isTrue();

        proxy.heal();
        assertThat(roundTrip(connect(), "after")).isEqualTo("after");
    }

    @Test
    void blackholeDropsTrafficButKeepsConnectionsOpenUntilHealed() throws IOException {
        Socket client = connect();
        assertThat(roundTrip(client, "before")).isEqualTo("before");

        proxy.blackhole();
        write(client, "lost");
        client.setSoTimeout(300);
        assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(proxy.connectionCount()).isEqualTo(1);

        proxy.heal();
        client.setSoTimeout((int) WAIT.toMillis());
        assertThat(roundTrip(client, "after")).as("what arrived while blackholed was dropped").isEqualTo("after");
    }

    @Test
    void delayAddsLatencyInEachDirection() throws IOException {
        Socket client = connect();
        assertThat(roundTrip(client, "warm")).isEqualTo("warm");

        proxy.delay(Duration.ofMillis(150));
        long start = System.nanoTime();
        assertThat(roundTrip(client, "slow")).isEqualTo("slow");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        for (String part : List.of("a", "b", "c", "d")) {
            write(client, part);
        }
        assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.UTF_8))
                .as("delayed chunks keep their order").isEqualTo("abcd");

        proxy.delay(Duration.ZERO);
        assertThat(roundTrip(client, "fast")).isEqualTo("fast");
    }

    @Test
    void closeFreesThePortClosesConnectionsAndStopsThreads() throws IOException {
        Socket client = connect();
        assertThat(roundTrip(client, "hello")).isEqualTo("hello");
        String threadPrefix = "tcp-proxy-" + proxy.port() + "-";

        proxy.close();
        FreePorts.assertFree(proxy.port());
        assertThat(closedByPeer(client)).isTrue();
        await().atMost(WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith(threadPrefix)));
    }

    @Test
    void kafkaClientBootstrapsThroughTheProxy() throws Exception {
        try (InProcessBroker broker = InProcessBroker.start();
             TcpProxy toBroker = TcpProxy.start("127.0.0.1", broker.spec().port());
             RawKafkaClient client = new RawKafkaClient("127.0.0.1", toBroker.port())) {
            ApiVersionsResponse versions = (ApiVersionsResponse) client.send(new ApiVersionsRequest.Builder(
                    new ApiVersionsRequestData().setClientSoftwareName("it").setClientSoftwareVersion("1"), (short) 3, (short) 3));
            assertThat(versions.data().errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(versions.data().apiKeys().find(ApiKeys.METADATA.id)).isNotNull();

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, toBroker.address()))) {
                Collection<Node> nodes = admin.describeCluster().nodes().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(nodes).extracting(Node::port)
                        .as("metadata names the broker's advertised address, not the proxy's")
                        .containsExactly(broker.spec().port());
            }

            toBroker.cut();
            assertThat(client.isClosedByPeer()).isTrue();
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout((int) WAIT.toMillis());
        clients.add(socket);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        write(socket, text);
        byte[] echoed = socket.getInputStream().readNBytes(text.length());
        return new String(echoed, StandardCharsets.UTF_8);
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** True when the peer closed the connection: a read returns EOF or fails with a reset (not a timeout). */
    private static boolean closedByPeer(Socket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Echoes every byte back on each connection until the client closes it; closes on {@link #close()}. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<Thread> threads = new ArrayList<>();
        private final List<Socket> connections = new ArrayList<>();

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            spawn(this::acceptLoop, "echo-acceptor");
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket socket = server.accept();
                    synchronized (this) {
                        connections.add(socket);
                    }
                    spawn(() -> echo(socket), "echo-" + socket.getPort());
                }
            } catch (IOException e) {
                // closed
            }
        }

        private static void echo(Socket socket) {
            try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the connection was reset or the server closed
            }
        }

        private synchronized void spawn(Runnable body, String name) {
            Thread thread = new Thread(body, name);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            List<Thread> started;
            synchronized (this) {
                for (Socket socket : connections) {
                    socket.close();
                }
                started = List.copyOf(threads);
            }
            for (Thread thread : started) {
                try {
                    thread.join(WAIT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UncheckedIOException(new IOException("interrupted while stopping the echo server", e));
                }
            }
        }
    }
}
