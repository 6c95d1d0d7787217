package io.runnel.it.harness;

import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One node of a {@link ClusterProcess}: a {@code runnel server} process (broker and controller,
 * unless its {@link #role()} says otherwise) with node id {@link #id()}, its client port,
 * controller port and data directory, all fixed for the cluster's life so a restart comes back as
 * the same node on the same data.
 *
 * <p>Faults: {@link #kill9()} (SIGKILL), {@link #pause()} (SIGSTOP) and {@link #resume()}
 * (SIGCONT), {@link #stop()} (SIGTERM, clean shutdown); {@link #restart()} starts the node again
 * without waiting for it (it answers once a quorum runs: use
 * {@link ClusterProcess#waitForClusterReady()}). Not thread-safe: one test thread drives it.
 */
public final class ClusterNode {
    private final int id;
    private final NodeRole role;
    private final int clientPort;
    private final int controllerPort;
    private final Path dataDir;
    private final BrokerProcess process;
    /** False after {@link #kill9()} or {@link #stop()} until {@link #restart()}: the node is meant to be down. */
    private boolean wantedUp = true;

    ClusterNode(int id, NodeRole role, int clientPort, int controllerPort, Path dataDir, Map<String, String> properties) {
        this.id = id;
        this.role = role;
        this.clientPort = clientPort;
        this.controllerPort = controllerPort;
        this.dataDir = dataDir;
        List<String> args = properties.entrySet().stream()
                .flatMap(e -> List.of("--override", e.getKey() + "=" + e.getValue()).stream())
                .toList();
        this.process = BrokerProcess.spawn(args, bootstrap(), dataDir);
    }

    /** {@code node.id}, 1..N. */
    public int id() {
        return id;
    }

    /** Its {@code process.roles}. */
    public NodeRole role() {
        return role;
    }

    /** {@code 127.0.0.1:<client port>}: this node's PLAINTEXT listener, as it advertises it (none on a controller-only node). */
    public String bootstrap() {
        return "127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    /** The port this node's Raft server listens on (peers reach a voter through their proxies, a broker-only node directly). */
    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The process's stdout and stderr, appended across restarts. */
    public Path logFile() {
        return process.logFile();
    }

    public long pid() {
        return process.pid();
    }

    /** True while the process runs and is not paused: it should take part in the cluster. */
    public boolean isRunning() {
        return process.isAlive() && !process.isPaused();
    }

    /**
     * True once the current process has started up: its broker is registered and unfenced (its
     * own registration, not one a killed predecessor left behind).
     */
    public boolean hasStarted() {
        return process.hasPrintedReadyLine();
    }

    /** True when the process ended although no test stopped or killed it (it failed, see {@link #logFile()}). */
    public boolean hasCrashed() {
        return wantedUp && !process.isAlive();
    }

    public boolean isPaused() {
        return process.isPaused();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed; returns once the process is gone. */
    public void kill9() {
        wantedUp = false;
        process.kill9();
    }

    /** SIGSTOP: the node freezes with its connections open. */
    public void pause() {
        process.pause();
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        process.resume();
    }

    /** SIGTERM: clean shutdown (the controller is told to fence the broker); waits and returns the exit code. */
    public int stop() {
        wantedUp = false;
        return process.terminate();
    }

    /** Stops the node cleanly if it runs, then starts it again on the same ports and data; does not wait. */
    public void restart() {
        process.restart();
        wantedUp = true;
    }

    /**
     * Asks this node itself (DescribeCluster over its client listener) which brokers it knows as
     * registered and unfenced, and who the active controller is (-1: none).
     */
    public ClusterView describeCluster() {
        if (!role.isBroker()) {
            throw new IllegalStateException("node " + id + " is controller-only: it has no client listener");
        }
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", clientPort)) {
            DescribeClusterResponseData response = (DescribeClusterResponseData) client.send(ApiKeys.DESCRIBE_CLUSTER,
                    (short) 1, new DescribeClusterRequestData());
            if (response.errorCode() != Errors.NONE.code()) {
                throw new IllegalStateException("node " + id + " answered DescribeCluster with "
                        + Errors.forCode(response.errorCode()));
            }
            return new ClusterView(response.controllerId(), response.brokers().stream()
                    .map(DescribeClusterResponseData.DescribeClusterBroker::brokerId)
                    .collect(Collectors.toUnmodifiableSet()));
        }
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    String logTail(int lines) {
        try {
            if (!Files.exists(logFile())) {
                return "(no log)";
            }
            List<String> all = Files.readAllLines(logFile());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "node " + id + " (" + role.processRoles() + ", " + bootstrap() + ", controller port " + controllerPort + ", "
                + (isPaused() ? "paused" : process.isAlive() ? "running" : hasCrashed() ? "crashed" : "down") + ")";
    }
}
