package io.runnel.metadata.controller;

import java.util.Map;

/**
 * What the Raft leader knows of its peers' liveness: for each peer it replicates to, the
 * milliseconds since that peer last answered. A peer silent on both paths, Raft and broker
 * heartbeats, is gone (killed, frozen or cut off) and is fenced sooner than its session timeout.
 */
@FunctionalInterface
public interface QuorumContact {
    /** No evidence: only broker heartbeats count (a single voter, tests). */
    QuorumContact NONE = Map::of;

    /** Milliseconds since each peer's last answer, by node id; empty when this node does not lead the quorum. */
    Map<Integer, Long> silenceMs();
}
