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
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A cluster of N Runnel nodes (default 3), each a {@code runnel server} process on 127.0.0.1
 * with {@code process.roles=broker,controller} (or the {@link NodeRole} a test gives it),
 * {@code node.id} 1..N, free ports and a data directory under one temp dir, all of it removed by
 * {@link #close}. Only broker nodes (combined or broker-only) serve clients; controller-only nodes
 * have no client port, and are ready once they printed their ready line.
 *
 * <p>Traffic between nodes goes through proxies, one per ordered pair of nodes for the Raft
 * quorum and one for replication (see {@link ClusterLayout}): {@link #link(int, int)} cuts,
 * blackholes or delays everything between two nodes, {@link #isolate(int)} everything between
 * one node and the others. Clients reach the nodes directly (PLAINTEXT listeners).
 *
 * <p>Since every node has its own view of the voters' addresses, the cluster id cannot be derived
 * from them as a plain start does; the data directories are formatted up front with one random
 * cluster id (Kafka's {@code kafka-storage.sh format} step).
 *
 * <p>{@link #start} returns once {@link #waitForClusterReady()} holds. Not thread-safe: one test
 * thread drives it (the proxies' controls are thread-safe).
 */
public final class ClusterProcess implements AutoCloseable {
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final int LOG_TAIL_LINES = 15;

    private final Path root;
    private final ClusterLayout layout;
    private final Map<Integer, ClusterNode> nodes = new LinkedHashMap<>();

    private ClusterProcess(Path root, ClusterLayout layout) {
        this.root = root;
        this.layout = layout;
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
        return start(nodeCount, overrides, Map.of());
    }

    /**
     * As {@link #start(int, Map)}, with {@code nodeOverrides} by node id applied on top (e.g.
     * {@code broker.rack} per node).
     */
    public static ClusterProcess start(int nodeCount, Map<String, String> overrides,
                                       Map<Integer, Map<String, String>> nodeOverrides) {
        if (nodeCount < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, not " + nodeCount);
        }
        return start(Collections.nCopies(nodeCount, NodeRole.COMBINED), overrides, nodeOverrides);
    }

    /**
     * As {@link #start(int, Map, Map)}, node {@code id} having role {@code roles.get(id - 1)}; at
     * least one must vote and one must be a broker.
     */
    public static ClusterProcess start(List<NodeRole> roles, Map<String, String> overrides,
                                       Map<Integer, Map<String, String>> nodeOverrides) {
        if (roles.stream().noneMatch(NodeRole::isVoter) || roles.stream().noneMatch(NodeRole::isBroker)) {
            throw new IllegalArgumentException("a cluster needs a voter and a broker, not " + roles);
        }
        ClusterProcess cluster = new ClusterProcess(TempDirs.create("runnel-cluster-"), ClusterLayout.allocate(roles));
        try {
            cluster.launch(roles.size(), overrides, nodeOverrides);
            cluster.waitForClusterReady();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void launch(int nodeCount, Map<String, String> overrides, Map<Integer, Map<String, String>> nodeOverrides) {
        String clusterId = Uuid.randomUuid().toString();
        for (int id = 1; id <= nodeCount; id++) {
            Path dataDir = root.resolve("node-" + id);
            format(dataDir, clusterId, id);
            Map<String, String> props = new LinkedHashMap<>(layout.properties(id, dataDir));
            props.putAll(overrides);
            props.putAll(nodeOverrides.getOrDefault(id, Map.of()));
            nodes.put(id, new ClusterNode(id, layout.role(id), layout.clientPort(id), layout.controllerPort(id), dataDir,
                    props));
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

    /** Every broker node's client address, comma-separated, for {@code bootstrap.servers}. */
    public String bootstrap() {
        return nodes.values().stream().filter(n -> n.role().isBroker()).map(ClusterNode::bootstrap)
                .collect(Collectors.joining(","));
    }

    /** An Admin client bootstrapped with every node; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    /** The link (Raft and replication traffic) between nodes {@code a} and {@code b}. */
    public NodeLink link(int a, int b) {
        node(a);
        node(b);
        if (a == b) {
            throw new IllegalArgumentException("a node has no link to itself");
        }
        return layout.link(a, b);
    }

    /** Cuts every link of node {@code id} to the others (a network partition of one node; clients still reach it). */
    public void isolate(int id) {
        for (int other : nodes.keySet()) {
            if (other != id) {
                link(id, other).cut();
            }
        }
    }

    /** Heals every link. */
    public void healAll() {
        layout.healAll();
    }

    /**
     * The active controller as the running broker nodes see it; fails unless they agree on one.
     * (Brokers name it in DescribeCluster, a controller-only node too.)
     */
    public int activeControllerId() {
        Set<Integer> seen = running().stream().filter(n -> n.role().isBroker())
                .map(n -> n.describeCluster().controllerId()).collect(Collectors.toSet());
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
     * Waits until every running (alive, not paused) node has started up (printed its ready line,
     * so a broker's own incarnation is registered and unfenced) and every running broker node
     * answers DescribeCluster naming the same running voter as active controller and listing
     * every running broker node as unfenced. Nodes
     * that are down may still be listed (until their session expires). A node that was cut off
     * may name itself (a stale view) until it hears from the new leader.
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
        Set<Integer> ids = running.stream().filter(n -> n.role().isBroker()).map(ClusterNode::id)
                .collect(Collectors.toSet());
        Set<Integer> voters = running.stream().filter(n -> n.role().isVoter()).map(ClusterNode::id)
                .collect(Collectors.toSet());
        Set<Integer> controllers = new HashSet<>();
        for (ClusterNode node : running) {
            if (!node.hasStarted()) {
                return false;
            }
            if (!node.role().isBroker()) {
                continue;
            }
            ClusterView view = node.describeCluster();
            if (!view.brokers().containsAll(ids)) {
                return false;
            }
            controllers.add(view.controllerId());
        }
        return controllers.size() == 1 && voters.containsAll(controllers);
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
            if (node.isRunning() && node.role().isBroker()) {
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
        RuntimeException failure = null;
        for (ClusterNode node : nodes.values()) {
            try {
                node.close();
            } catch (RuntimeException e) { // go on: the other nodes must not be left running
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        try {
            layout.close();
        } finally {
            TempDirs.delete(root);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
