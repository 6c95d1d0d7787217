package io.runnel.cli.cluster;

import io.runnel.cli.CommandContext;
import io.runnel.cli.SelfCheck;
import io.runnel.cli.UsageError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * {@code runnel dev-cluster}: a local cluster for trying things out. Each node is its own
 * {@code runnel server} process (broker and controller, static voters on localhost), so a node
 * can be killed ({@code kill -9 PID}) or frozen ({@code kill -STOP PID}) to watch a failover, and
 * started again by hand from the config file this command wrote for it. Returns once every node
 * lists every node as a live broker, then runs until SIGTERM or Ctrl-C, when a shutdown hook
 * stops every node cleanly (SIGTERM, then SIGKILL after {@value #STOP_TIMEOUT_MS} ms).
 */
@Command(name = "dev-cluster", mixinStandardHelpOptions = true,
        description = {"Start a local cluster of Runnel nodes, one process each (broker and controller), and run "
            + "until Ctrl-C, which stops them all.",
            "Node N keeps its data in DATA/node-N, its config in DATA/node-N.properties and its output in "
                + "DATA/node-N.log; it listens on client port PORT+2(N-1) and controller port PORT+2(N-1)+1, "
                + "or on free ports when those are taken (printed)."})
public final class DevClusterCommand implements Callable<Integer> {
    static final long STOP_TIMEOUT_MS = 15_000;
    private static final long READY_TIMEOUT_MS = 120_000;
    private static final long POLL_MS = 200;
    private static final String HOST = "localhost";

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3",
            description = "Number of nodes, each a voter of the metadata quorum (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--data-dir", paramLabel = "DATA", defaultValue = "data",
            description = "Directory for the nodes' data, configs and logs (default: ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "Client port of node 1 (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = {"-o", "--override"}, paramLabel = "KEY=VALUE",
            description = "Set a broker property on every node. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    private final CommandContext context;
    /** Set when the shutdown hook starts stopping the nodes: their exits are expected then. */
    private volatile boolean stopping;

    DevClusterCommand(CommandContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (nodes < 1 || nodes > 99) {
            throw new UsageError("--nodes must be between 1 and 99, not " + nodes);
        }
        if (basePort < 1 || basePort + 2 * nodes > 65536) {
            throw new UsageError("--port " + basePort + " leaves no room for " + nodes + " nodes' ports");
        }
        Path root = dataDir.toAbsolutePath().normalize();
        List<NodePorts> plan = NodePorts.plan(nodes, basePort, DevClusterCommand::isFree, DevClusterCommand::anyFreePort);
        String voters = plan.stream().map(p -> p.nodeId() + "@" + HOST + ":" + p.controller())
                .collect(Collectors.joining(","));
        PrintStream out = context.out();
        out.println("Starting " + nodes + " node" + (nodes == 1 ? "" : "s") + ", data in " + root + " ...");
        out.flush();
        long startMs = context.time().milliseconds();
        List<DevNode> started = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            stopAll(started);
            stopped.countDown();
        }, "runnel-dev-cluster-stop"));
        for (NodePorts ports : plan) {
            synchronized (started) {
                started.add(DevNode.start(ports, properties(ports, voters, root), root, javaCommand()));
            }
        }
        awaitReady(started);
        out.println("Runnel dev cluster of " + nodes + " node" + (nodes == 1 ? "" : "s") + " ready in "
                + (context.time().milliseconds() - startMs) + " ms");
        for (DevNode node : started) {
            NodePorts p = node.ports();
            out.println("node " + p.nodeId() + ": client " + HOST + ":" + NodePorts.describe(p.client(), p.preferredClient())
                    + ", controller " + HOST + ":" + NodePorts.describe(p.controller(), p.preferredController())
                    + ", pid " + node.pid() + ", config " + node.config() + ", log " + node.log());
            node.onExit().thenRun(() -> {
                if (!stopping) {
                    out.println("node " + p.nodeId() + " exited with code " + node.exitValue()
                            + "; start it again with: bin/runnel server --config " + node.config());
                    out.flush();
                }
            });
        }
        out.println("Bootstrap servers: " + started.stream().map(n -> HOST + ":" + n.ports().client())
                .collect(Collectors.joining(",")));
        out.println("Ctrl-C stops every node.");
        out.flush();
        stopped.await();
        return 0;
    }

    /** One node's Kafka broker configuration: combined mode, static voters, data under {@code root}. */
    private Map<String, String> properties(NodePorts ports, String voters, Path root) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(ports.nodeId()));
        props.put("controller.quorum.voters", voters);
        props.put("listeners", "PLAINTEXT://:" + ports.client() + ",CONTROLLER://:" + ports.controller());
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + ports.client());
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", root.resolve("node-" + ports.nodeId()).toString());
        props.putAll(overrides);
        return props;
    }

    /** Waits until every node lists every node as a live broker; stops them all if one exits or time runs out. */
    private void awaitReady(List<DevNode> nodes) throws InterruptedException {
        long deadline = context.time().milliseconds() + READY_TIMEOUT_MS;
        while (true) {
            for (DevNode node : nodes) {
                if (!node.isAlive()) {
                    stopAll(nodes);
                    throw new IllegalStateException("node " + node.ports().nodeId() + " exited with code "
                            + node.exitValue() + " during start-up, see " + node.log());
                }
            }
            if (nodes.stream().allMatch(this::listsEveryNode)) {
                return;
            }
            if (context.time().milliseconds() > deadline) {
                stopAll(nodes);
                throw new IllegalStateException("the nodes did not form a cluster within " + READY_TIMEOUT_MS
                        + " ms, see the logs in " + nodes.get(0).log().getParent());
            }
            context.time().sleep(POLL_MS);
        }
    }

    private boolean listsEveryNode(DevNode node) {
        try {
            return SelfCheck.brokersListed(HOST, node.ports().client()) == nodes;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    /** SIGTERM to every node at once, then waits for each (SIGKILL after the timeout). */
    private static void stopAll(List<DevNode> nodes) {
        List<DevNode> copy;
        synchronized (nodes) {
            copy = List.copyOf(nodes);
        }
        copy.forEach(DevNode::terminate);
        try {
            for (DevNode node : copy) {
                node.awaitExit(STOP_TIMEOUT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            copy.forEach(DevNode::kill);
        }
    }

    /** This JVM's java binary, JVM options (heap, GC, class-data sharing archive) and classpath. */
    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    /** Whether {@code port} can be bound on every interface (as the nodes' listeners do). */
    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int anyFreePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e.getMessage(), e);
        }
    }
}
