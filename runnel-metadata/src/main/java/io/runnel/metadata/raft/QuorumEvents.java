package io.runnel.metadata.raft;

/**
 * What the state machine reports besides images: who leads, and when this node may act as the
 * active controller. Called on Ratis threads; implementations must not block.
 */
public interface QuorumEvents {
    /** This node's leadership is established: every entry before its term is replayed. */
    void onLeaderReady();

    /** The leader changed; {@code leaderId} is its node id, or -1 if none is known. */
    void onLeaderChanged(int leaderId);

    /** Something this node waits for may have happened (an entry replayed, a leader chosen). */
    void onProgress();
}
