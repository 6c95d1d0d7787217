package io.runnel.coordinator.group.consumer;

import io.runnel.coordinator.group.ClassicProtocol;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * What a consumer group keeps of a member that uses the classic protocol (JoinGroup, SyncGroup,
 * Heartbeat) inside a consumer group: its session timeout and the protocols of its last
 * JoinGroup. Stored in the member-subscription record (version 1).
 *
 * @param sessionTimeoutMs the JoinGroup session timeout, in ms; it replaces the group's
 * @param protocols        the client assignors it offered, in preference order, each with the
 *                         serialized subscription; never empty
 */
public record ClassicMemberMetadata(int sessionTimeoutMs, List<ClassicProtocol> protocols) {

    public ClassicMemberMetadata {
        protocols = List.copyOf(protocols);
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("a classic member offers at least one protocol");
        }
    }

    /** The protocol name the member is answered with in JoinGroup and must send in SyncGroup. */
    public String protocolName() {
        return protocols.get(0).name();
    }

    /** The ConsumerProtocol version of the member's subscription, to serialize its assignment in. */
    short consumerProtocolVersion() {
        return ConsumerProtocol.deserializeVersion(ByteBuffer.wrap(protocols.get(0).metadata()));
    }

    /** Whether the member offers a protocol of this name. */
    boolean supports(String protocolName) {
        return ClassicProtocol.metadataOf(protocols, protocolName) != null;
    }
}
