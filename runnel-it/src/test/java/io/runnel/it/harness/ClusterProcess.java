package io.runnel.it.harness;

import io.runnel.metadata.raft.MetaProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A cluster of N Runnel nodes (default 3), each a {@code runnel server} process on 127.0.0.1
 * with {@code process.roles=broker,controller}, {@code node.id} 1..N, free ports and a data
 * directory under one temp dir, all of it removed by {@link #close}.
 *
 * <p>Controller traffic goes through proxies: every node has its own
 * {@code controller.quorum.voters}, where its own entry is its real controller port and every
 * other voter's entry is a {@link TcpProxy} toward that voter, one per ordered pair of nodes.
 * Ratis keeps the address a server was started with for each peer id (its peer proxy map is
 * filled from the start-up group before the log's configuration entries, whose addresses are the
 * leader's view, are read), so each node keeps dialing its own proxies after elections and
 * restarts. {@link #link(int, int)} cuts, blackholes or delays the link between two nodes;
 * {@link #isolate(int)} all links of one node. Client and replication traffic (the PLAINTEXT
 * listeners, advertised in the metadata and so the same for every node) is not proxied.
 *
 * <p>Since the voters' addresses differ per node, the cluster id cannot be derived from them as a
 * plain start does; the data directories are formatted up front with one random cluster id
 * (Kafka's {@code kafka-storage.sh format} step).
 *
 * <p>{@link #start} returns once {@link #waitForClusterReady()} holds. Not thread-safe: one test
 * thread drives it (the proxies' controls are thread-safe).
 */
public final class ClusterProcess implements AutoCloseable {
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final int LOG_TAIL_LINES = 15;

    private final Path root;
    private final Map<Integer, ClusterNode> nodes = new LinkedHashMap<>();
    /** Proxies by (from, to): the one node {@code from} dials to reach node {@code to}'s controller. */
    private final Map<List<Integer>, TcpProxy> proxies = new HashMap<>();

    private ClusterProcess(Path root) {
        this.root = root;
    }

    /** Starts a three-node cluster with default settings. */
    public static ClusterProcess start() {
        return start(3, Map.of());
    }

    /**
     * Starts {@code nodeCount} nodes with {@code overrides} (Kafka broker keys) applied to every
     * node, and waits until every node lists every node as registered and unfenced.
     */
    public static ClusterProcess start(int nodeCount, Map<String, String> overrides) {
        if (nodeCount < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, not " + nodeCount);
        }
        ClusterProcess cluster = new ClusterProcess(TempDirs.create("runnel-cluster-"));
        try {
            cluster.launch(nodeCount, overrides);
            cluster.waitForClusterReady();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void launch(int nodeCount, Map<String, String> overrides) {
        Set<Integer> taken = new HashSet<>();
        int[] clientPorts = new int[nodeCount + 1];
        int[] controllerPorts = new int[nodeCount + 1];
        for (int id = 1; id <= nodeCount; id++) {
            clientPorts[id] = freePort(taken);
            controllerPorts[id] = freePort(taken);
        }
        for (int from = 1; from <= nodeCount; from++) {
            for (int to = 1; to <= nodeCount; to++) {
                if (from != to) {
                    proxies.put(List.of(from, to), proxyTo(controllerPorts[to], taken));
                }
            }
        }
        String clusterId = Uuid.randomUuid().toString();
        for (int id = 1; id <= nodeCount; id++) {
            Path dataDir = root.resolve("node-" + id);
            format(dataDir, clusterId, id);
            Map<String, String> props = new LinkedHashMap<>();
            props.put("node.id", Integer.toString(id));
            props.put("process.roles", "broker,controller");
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPorts[id] + ",CONTROLLER://127.0.0.1:" + controllerPorts[id]);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPorts[id]);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("controller.quorum.voters", votersSeenBy(id, nodeCount, controllerPorts));
            props.put("log.dirs", dataDir.toString());
            props.putAll(overrides);
            nodes.put(id, new ClusterNode(id, clientPorts[id], controllerPorts[id], dataDir, props));
        }
    }

    /** Node {@code id}'s {@code controller.quorum.voters}: itself directly, every other voter through its proxy. */
    private String votersSeenBy(int id, int nodeCount, int[] controllerPorts) {
        List<String> voters = new ArrayList<>();
        for (int voter = 1; voter <= nodeCount; voter++) {
            int port = voter == id ? controllerPorts[voter] : proxies.get(List.of(id, voter)).port();
            voters.add(voter + "@127.0.0.1:" + port);
        }
        return String.join(",", voters);
    }

    private static int freePort(Set<Integer> taken) {
        while (true) {
            int port = FreePorts.next();
            if (taken.add(port)) {
                return port;
            }
        }
    }

    /** A proxy toward {@code targetPort} on a port none of the nodes was given. */
    private static TcpProxy proxyTo(int targetPort, Set<Integer> taken) {
        while (true) {
            TcpProxy proxy = TcpProxy.start("127.0.0.1", targetPort);
            if (taken.add(proxy.port())) {
                return proxy;
            }
            proxy.close();
        }
    }

    private static void format(Path dataDir, String clusterId, int nodeId) {
        try {
            new MetaProperties(clusterId, nodeId, Uuid.randomUuid()).write(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Node {@code id} (1..N). */
    public ClusterNode node(int id) {
        ClusterNode node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + " in " + nodes.keySet());
        }
        return node;
    }

    public List<ClusterNode> nodes() {
        return List.copyOf(nodes.values());
    }

    /** Every node's client address, comma-separated, for {@code bootstrap.servers}. */
    public String bootstrap() {
        return nodes.values().stream().map(ClusterNode::bootstrap).collect(Collectors.joining(","));
    }

    /** An Admin client bootstrapped with every node; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    /** The controller link between nodes {@code a} and {@code b}. */
    public ControllerLink link(int a, int b) {
        node(a);
        node(b);
        if (a == b) {
            throw new IllegalArgumentException("a node has no link to itself");
        }
        return new ControllerLink(a, b, proxies.get(List.of(a, b)), proxies.get(List.of(b, a)));
    }

    /** Cuts every controller link of node {@code id} (a network partition of one node). */
    public void isolate(int id) {
        for (int other : nodes.keySet()) {
            if (other != id) {
                link(id, other).cut();
            }
        }
    }

    /** Heals every controller link. */
    public void healAll() {
        proxies.values().forEach(TcpProxy::heal);
    }

    /**
     * The active controller as the running nodes see it; fails unless they agree on one.
     * (Brokers name it in DescribeCluster.)
     */
    public int activeControllerId() {
        Set<Integer> seen = running().stream().map(n -> n.describeCluster().controllerId()).collect(Collectors.toSet());
        if (seen.size() != 1 || seen.contains(-1)) {
            throw new IllegalStateException("no agreed active controller: running nodes see " + seen);
        }
        return seen.iterator().next();
    }

    /** Waits up to {@link #READY_TIMEOUT}: see {@link #waitForClusterReady(Duration)}. */
    public void waitForClusterReady() {
        waitForClusterReady(READY_TIMEOUT);
    }

    /**
     * Waits until every running (alive, not paused) node answers DescribeCluster naming the same
     * running node as active controller and listing every running node as registered and
     * unfenced. Nodes that are down may still be listed (until their session expires). A node
     * that was cut off may name itself (a stale view) until it hears from the new leader.
     *
     * @throws AssertionError on timeout, or as soon as a node's process ends without the test
     *     having stopped it; with the end of every node's log
     */
    public void waitForClusterReady(Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> !crashed().isEmpty() || runningNodesAgreeAndListEachOther());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("cluster not ready within " + timeout + ": " + describe(), e);
        }
        if (!crashed().isEmpty()) {
            throw new AssertionError(crashed() + " exited on its own: " + describe());
        }
    }

    private boolean runningNodesAgreeAndListEachOther() {
        List<ClusterNode> running = running();
        Set<Integer> ids = running.stream().map(ClusterNode::id).collect(Collectors.toSet());
        Set<Integer> controllers = new HashSet<>();
        for (ClusterNode node : running) {
            ClusterView view = node.describeCluster();
            if (!view.brokers().containsAll(ids)) {
                return false;
            }
            controllers.add(view.controllerId());
        }
        return controllers.size() == 1 && ids.containsAll(controllers);
    }

    private List<ClusterNode> crashed() {
        return nodes.values().stream().filter(ClusterNode::hasCrashed).toList();
    }

    private List<ClusterNode> running() {
        return nodes.values().stream().filter(ClusterNode::isRunning).toList();
    }

    /** Every node's state, what it answers and the end of its log. */
    private String describe() {
        StringBuilder text = new StringBuilder();
        for (ClusterNode node : nodes.values()) {
            text.append("\n--- ").append(node);
            if (node.isRunning()) {
                try {
                    text.append(": ").append(node.describeCluster());
                } catch (RuntimeException e) {
                    text.append(": DescribeCluster failed: ").append(e);
                }
            }
            text.append('\n').append(node.logTail(LOG_TAIL_LINES));
        }
        return text.toString();
    }

    /** Kills every node, closes every proxy and deletes the data and logs. */
    @Override
    public void close() {
        try {
            nodes.values().forEach(ClusterNode::close);
            proxies.values().forEach(TcpProxy::close);
        } finally {
            TempDirs.delete(root);
        }
    }
}
