package io.runnel.it.harness;

import java.time.Duration;
import java.util.List;

/**
 * The link between two nodes {@code a} and {@code b} of a {@link ClusterProcess}: four proxies,
 * for each node the one its Raft server dials to reach the other's ({@link #controllerProxy}) and
 * the one its replica fetchers dial to reach the other's replication listener
 * ({@link #replicationProxy}). A connection carries requests one way and answers back, so a
 * node's calls and their answers pass through the caller's proxy. The controls act on all four:
 * they break or slow every kind of traffic between the two nodes, in both directions. For a
 * one-way or one-kind fault, use a single proxy. Thread-safe like {@link TcpProxy}.
 */
public final class NodeLink {
    private final int a;
    private final int b;
    private final TcpProxy controllerFromA;
    private final TcpProxy controllerFromB;
    private final TcpProxy replicationFromA;
    private final TcpProxy replicationFromB;

    NodeLink(int a, int b, TcpProxy controllerFromA, TcpProxy controllerFromB,
             TcpProxy replicationFromA, TcpProxy replicationFromB) {
        this.a = a;
        this.b = b;
        this.controllerFromA = controllerFromA;
        this.controllerFromB = controllerFromB;
        this.replicationFromA = replicationFromA;
        this.replicationFromB = replicationFromB;
    }

    /** See {@link TcpProxy#cut()}. */
    public void cut() {
        proxies().forEach(TcpProxy::cut);
    }

    /** See {@link TcpProxy#blackhole()}. */
    public void blackhole() {
        proxies().forEach(TcpProxy::blackhole);
    }

    /** See {@link TcpProxy#delay(Duration)}: a request and its answer are each held {@code latency}. */
    public void delay(Duration latency) {
        proxies().forEach(p -> p.delay(latency));
    }

    /** See {@link TcpProxy#heal()}. */
    public void heal() {
        proxies().forEach(TcpProxy::heal);
    }

    /** The proxy node {@code from} (one of the link's two nodes) dials for Raft calls to the other. */
    public TcpProxy controllerProxy(int from) {
        checkOnLink(from);
        return from == a ? controllerFromA : controllerFromB;
    }

    /** The proxy node {@code from}'s replica fetchers dial to reach the other node's partitions. */
    public TcpProxy replicationProxy(int from) {
        checkOnLink(from);
        return from == a ? replicationFromA : replicationFromB;
    }

    private void checkOnLink(int node) {
        if (node != a && node != b) {
            throw new IllegalArgumentException("node " + node + " is not on the link " + a + "-" + b);
        }
    }

    private List<TcpProxy> proxies() {
        return List.of(controllerFromA, controllerFromB, replicationFromA, replicationFromB);
    }

    @Override
    public String toString() {
        return "link " + a + "-" + b;
    }
}
