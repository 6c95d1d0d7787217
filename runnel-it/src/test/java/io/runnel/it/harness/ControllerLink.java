package io.runnel.it.harness;

import java.time.Duration;

/**
 * The controller (Raft) link between two nodes of a {@link ClusterProcess}: the proxy node
 * {@code a} dials to reach node {@code b} and the one {@code b} dials to reach {@code a}. Raft
 * connections are gRPC streams that carry requests one way and answers back, so each node's
 * outgoing calls (votes, appends, forwarded controller calls) and their answers pass through the
 * caller's proxy; the controls act on both proxies, so they break the link in both directions.
 * For a one-way fault, use {@link #proxy(int)}. Thread-safe like {@link TcpProxy}.
 */
public final class ControllerLink {
    private final int a;
    private final int b;
    private final TcpProxy fromA;
    private final TcpProxy fromB;

    ControllerLink(int a, int b, TcpProxy fromA, TcpProxy fromB) {
        this.a = a;
        this.b = b;
        this.fromA = fromA;
        this.fromB = fromB;
    }

    /** See {@link TcpProxy#cut()}. */
    public void cut() {
        fromA.cut();
        fromB.cut();
    }

    /** See {@link TcpProxy#blackhole()}. */
    public void blackhole() {
        fromA.blackhole();
        fromB.blackhole();
    }

    /** See {@link TcpProxy#delay(Duration)}: each direction of each proxy adds {@code latency}. */
    public void delay(Duration latency) {
        fromA.delay(latency);
        fromB.delay(latency);
    }

    /** See {@link TcpProxy#heal()}. */
    public void heal() {
        fromA.heal();
        fromB.heal();
    }

    /** The proxy that node {@code from} (one of the link's two nodes) dials to reach the other. */
    public TcpProxy proxy(int from) {
        if (from == a) {
            return fromA;
        }
        if (from == b) {
            return fromB;
        }
        throw new IllegalArgumentException("node " + from + " is not on the link " + a + "-" + b);
    }

    @Override
    public String toString() {
        return "controller link " + a + "-" + b;
    }
}
