package io.runnel.metadata;

import java.net.InetSocketAddress;

/**
 * How this node takes part in the metadata quorum, from {@code process.roles}: a voter (a
 * {@code controller}, possibly also a {@code broker}), or, for a broker-only node, a Ratis
 * LISTENER peer that follows the log without voting.
 *
 * @param combined true for {@code process.roles=broker,controller}; a one-voter combined node is
 *     single-node mode, whose new cluster id is random (every other node derives it from the voters)
 * @param listenerAddress where a broker-only node's Raft server listens and where the leader
 *     reaches it (a controller listener of {@code listeners}); null for a voter
 */
public record QuorumMembership(boolean combined, InetSocketAddress listenerAddress) {
    /** {@code process.roles=broker,controller}: a voter that is also a broker. */
    public static final QuorumMembership COMBINED_VOTER = new QuorumMembership(true, null);
    /** {@code process.roles=controller}: a voter and nothing else. */
    public static final QuorumMembership CONTROLLER_ONLY = new QuorumMembership(false, null);

    /** {@code process.roles=broker}: a LISTENER peer whose Raft server is at {@code address}. */
    public static QuorumMembership listener(InetSocketAddress address) {
        return new QuorumMembership(false, address);
    }

    /** True for a broker-only node, which follows the log as a non-voting LISTENER peer. */
    public boolean isListener() {
        return listenerAddress != null;
    }
}
