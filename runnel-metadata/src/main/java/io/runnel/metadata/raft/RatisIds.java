package io.runnel.metadata.raft;

import org.apache.kafka.common.Uuid;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;

import java.util.UUID;

/**
 * How Kafka's identities map to Ratis': a peer id is the node id in decimal; the group id is the
 * cluster id's 128 bits, so every node of a cluster derives the same group.
 */
final class RatisIds {
    private RatisIds() {
    }

    static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(Integer.toString(nodeId));
    }

    static int nodeId(RaftPeerId peerId) {
        try {
            return Integer.parseInt(peerId.toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static RaftGroupId groupId(String clusterId) {
        Uuid id = Uuid.fromString(clusterId);
        return RaftGroupId.valueOf(new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits()));
    }
}
