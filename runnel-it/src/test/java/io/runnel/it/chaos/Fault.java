package io.runnel.it.chaos;

/** The kinds of fault {@link FaultInjector} inflicts on one node at a time. */
enum Fault {
    /** SIGKILL, then a restart on the same data after 1-4 s. */
    KILL9,
    /** SIGSTOP for 1-4 s, then SIGCONT: the node freezes with its connections open. */
    PAUSE,
    /** SIGTERM (controlled shutdown), then a restart after 1-4 s. */
    SIGTERM,
    /** Every Raft and replication link to the other nodes cut for 1-4 s (clients still reach it), then healed. */
    ISOLATE
}
