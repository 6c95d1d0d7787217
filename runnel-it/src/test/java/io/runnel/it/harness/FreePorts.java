package io.runnel.it.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on 127.0.0.1 for brokers started by tests. */
public final class FreePorts {
    private static final int FIRST = 20_000;
    private static final int RANGE = 12_000;
    private static final Set<Integer> handedOut = new HashSet<>();
    /** Starts at a random place so test JVMs running side by side rarely probe the same ports. */
    private static int cursor = ThreadLocalRandom.current().nextInt(RANGE);

    private FreePorts() {
    }

    /** Fails the test with a clear message when {@code port} is taken (tests that need Kafka's default ports). */
    public static void assertFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new AssertionError("port " + port + " is in use: stop the local broker before running this test", e);
        }
    }

    /**
     * A port that is free now, below Linux's ephemeral range (32768 and up): a port taken from
     * that range can be grabbed by any outgoing connection (Raft, replication, clients) before the
     * broker that was given it binds, which made cluster tests fail with "Address already in use".
     * Ports handed out once are not handed out again by this JVM.
     */
    public static synchronized int next() {
        for (int attempt = 0; attempt < RANGE; attempt++) {
            int port = FIRST + (cursor++ % RANGE);
            if (handedOut.add(port) && isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + "-" + (FIRST + RANGE - 1));
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
