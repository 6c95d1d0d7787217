package io.runnel.it.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ports, proxies and per-node configuration of a {@link ClusterProcess} of N nodes on
 * 127.0.0.1, chosen once so that restarts come back on the same addresses.
 *
 * <p>Every node listens on a client port ({@code PLAINTEXT}, what clients bootstrap from and are
 * given in metadata), a controller port (its Raft server) and one replication listener per node
 * of the cluster, {@code REPLICA_<f>}, where node {@code f}'s replica fetchers connect
 * ({@code inter.broker.listener.name=REPLICA_<f>} on node {@code f}). Node {@code t} advertises
 * its {@code REPLICA_<f>} listener at the address of the proxy from {@code f} to {@code t}, and
 * node {@code f}'s {@code controller.quorum.voters} names every other voter {@code t} at the
 * Raft proxy from {@code f} to {@code t}: every byte node {@code f} sends to node {@code t},
 * Raft or replication, passes through one of the two proxies of the ordered pair (f, t).
 *
 * <p>Roles ({@link NodeRole}): only voters (combined or controller-only nodes) are in
 * {@code controller.quorum.voters}. A controller-only node listens on its controller port only. A
 * broker-only node's Raft server listens on its controller port too, as a listener peer; the
 * leader reaches it there directly (its address is in the group configuration every voter
 * shares, so it cannot be one proxy per pair): cutting a link cuts the broker's Raft traffic to
 * the voter, not the leader's appends to it.
 *
 * <p>Ratis keeps, per peer id, the address a server was started with (its peer proxy map is
 * filled from the start-up group before the log's configuration entries, which carry the leader's
 * view, are read), so a node keeps dialing its own proxies after elections and restarts.
 */
final class ClusterLayout implements AutoCloseable {
    private final int nodeCount;
    /** By node id - 1. */
    private final List<NodeRole> roles;
    private final int[] clientPorts;
    private final int[] controllerPorts;
    /** {@code replicaPorts[t][f]}: node t's REPLICA_f listener. */
    private final int[][] replicaPorts;
    /** By (from, to). */
    private final Map<List<Integer>, TcpProxy> controllerProxies = new HashMap<>();
    private final Map<List<Integer>, TcpProxy> replicationProxies = new HashMap<>();

    private ClusterLayout(List<NodeRole> roles) {
        this.nodeCount = roles.size();
        this.roles = List.copyOf(roles);
        this.clientPorts = new int[nodeCount + 1];
        this.controllerPorts = new int[nodeCount + 1];
        this.replicaPorts = new int[nodeCount + 1][nodeCount + 1];
    }

    /** Picks free ports for nodes 1..N with these roles and starts the 2·N·(N-1) proxies; {@link #close} stops them. */
    static ClusterLayout allocate(List<NodeRole> roles) {
        ClusterLayout layout = new ClusterLayout(roles);
        try {
            layout.allocatePorts();
            return layout;
        } catch (RuntimeException e) {
            layout.close();
            throw e;
        }
    }

    private void allocatePorts() {
        Set<Integer> taken = new HashSet<>();
        for (int id = 1; id <= nodeCount; id++) {
            clientPorts[id] = freePort(taken);
            controllerPorts[id] = freePort(taken);
            for (int fetcher = 1; fetcher <= nodeCount; fetcher++) {
                replicaPorts[id][fetcher] = freePort(taken);
            }
        }
        for (int from = 1; from <= nodeCount; from++) {
            for (int to = 1; to <= nodeCount; to++) {
                if (from != to) {
                    controllerProxies.put(List.of(from, to), proxyTo(controllerPorts[to], taken));
                    replicationProxies.put(List.of(from, to), proxyTo(replicaPorts[to][from], taken));
                }
            }
        }
    }

    int clientPort(int id) {
        return clientPorts[id];
    }

    int controllerPort(int id) {
        return controllerPorts[id];
    }

    NodeRole role(int id) {
        return roles.get(id - 1);
    }

    /** Node {@code id}'s server properties (Kafka's keys), before the test's overrides. */
    Map<String, String> properties(int id, Path dataDir) {
        if (!role(id).isBroker()) {
            Map<String, String> props = new LinkedHashMap<>();
            props.put("node.id", Integer.toString(id));
            props.put("process.roles", role(id).processRoles());
            props.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPorts[id]);
            props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT");
            props.put("controller.listener.names", "CONTROLLER");
            props.put("controller.quorum.voters", votersSeenBy(id));
            props.put("log.dirs", dataDir.toString());
            return props;
        }
        List<String> listeners = new ArrayList<>(List.of(
                "PLAINTEXT://127.0.0.1:" + clientPorts[id], "CONTROLLER://127.0.0.1:" + controllerPorts[id]));
        List<String> advertised = new ArrayList<>(List.of("PLAINTEXT://127.0.0.1:" + clientPorts[id]));
        List<String> protocols = new ArrayList<>(List.of("PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT"));
        for (int fetcher = 1; fetcher <= nodeCount; fetcher++) {
            if (!role(fetcher).isBroker()) {
                continue;
            }
            String name = replicaListener(fetcher);
            listeners.add(name + "://127.0.0.1:" + replicaPorts[id][fetcher]);
            int advertisedPort = fetcher == id ? replicaPorts[id][fetcher]
                    : replicationProxies.get(List.of(fetcher, id)).port();
            advertised.add(name + "://127.0.0.1:" + advertisedPort);
            protocols.add(name + ":PLAINTEXT");
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("node.id", Integer.toString(id));
        props.put("process.roles", role(id).processRoles());
        props.put("listeners", String.join(",", listeners));
        props.put("advertised.listeners", String.join(",", advertised));
        props.put("listener.security.protocol.map", String.join(",", protocols));
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", replicaListener(id));
        props.put("controller.quorum.voters", votersSeenBy(id));
        props.put("log.dirs", dataDir.toString());
        return props;
    }

    /** The listener name node {@code fetcher}'s replica fetchers connect to on every node. */
    static String replicaListener(int fetcher) {
        return "REPLICA_" + fetcher;
    }

    /** Node {@code id}'s {@code controller.quorum.voters}: itself directly, every other voter through a proxy. */
    private String votersSeenBy(int id) {
        List<String> voters = new ArrayList<>();
        for (int voter = 1; voter <= nodeCount; voter++) {
            if (!role(voter).isVoter()) {
                continue;
            }
            int port = voter == id ? controllerPorts[voter] : controllerProxies.get(List.of(id, voter)).port();
            voters.add(voter + "@127.0.0.1:" + port);
        }
        return String.join(",", voters);
    }

    NodeLink link(int a, int b) {
        return new NodeLink(a, b, controllerProxies.get(List.of(a, b)), controllerProxies.get(List.of(b, a)),
                replicationProxies.get(List.of(a, b)), replicationProxies.get(List.of(b, a)));
    }

    void healAll() {
        controllerProxies.values().forEach(TcpProxy::heal);
        replicationProxies.values().forEach(TcpProxy::heal);
    }

    private static int freePort(Set<Integer> taken) {
        while (true) {
            int port = FreePorts.next();
            if (taken.add(port)) {
                return port;
            }
        }
    }

    /** A proxy toward {@code targetPort} on a port no node listens on. */
    private static TcpProxy proxyTo(int targetPort, Set<Integer> taken) {
        while (true) {
            TcpProxy proxy = TcpProxy.start("127.0.0.1", targetPort);
            if (taken.add(proxy.port())) {
                return proxy;
            }
            proxy.close();
        }
    }

    @Override
    public void close() {
        controllerProxies.values().forEach(TcpProxy::close);
        replicationProxies.values().forEach(TcpProxy::close);
    }
}
