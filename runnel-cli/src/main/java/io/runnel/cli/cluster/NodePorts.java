package io.runnel.cli.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;

/**
 * The ports of one node of a dev cluster: node {@code n} (from 1) prefers client port
 * {@code base + 2(n-1)} and controller port {@code base + 2(n-1) + 1} (9092/9093, 9094/9095, ...
 * for base 9092, Kafka's habit); a preferred port that is taken is replaced by a free one.
 *
 * @param preferredClient the client port it would have had ({@code client} differs when that was taken)
 * @param preferredController likewise for the controller port
 */
record NodePorts(int nodeId, int client, int controller, int preferredClient, int preferredController) {

    /**
     * Ports for {@code nodes} nodes from {@code base}. {@code isFree} tells whether a port can be
     * bound; {@code anyFreePort} names a free port (e.g. one the OS gave to a socket bound to
     * port 0). No port is given twice.
     */
    static List<NodePorts> plan(int nodes, int base, IntPredicate isFree, IntSupplier anyFreePort) {
        Set<Integer> given = new HashSet<>();
        for (int i = 0; i < 2 * nodes; i++) {
            given.add(base + i); // preferred ports stay reserved even when taken, so no substitute collides with them
        }
        List<NodePorts> plan = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            int client = base + 2 * (id - 1);
            int controller = client + 1;
            plan.add(new NodePorts(id, pick(client, isFree, anyFreePort, given), pick(controller, isFree, anyFreePort, given),
                    client, controller));
        }
        return plan;
    }

    private static int pick(int preferred, IntPredicate isFree, IntSupplier anyFreePort, Set<Integer> given) {
        if (preferred <= 65535 && isFree.test(preferred)) {
            return preferred;
        }
        while (true) {
            int port = anyFreePort.getAsInt();
            if (given.add(port)) {
                return port;
            }
        }
    }

    /** "9092", or "40123 (9092 was taken)". */
    static String describe(int port, int preferred) {
        return port == preferred ? Integer.toString(port) : port + " (" + preferred + " was taken)";
    }
}
