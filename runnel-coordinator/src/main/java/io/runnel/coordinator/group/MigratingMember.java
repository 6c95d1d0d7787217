package io.runnel.coordinator.group;

import java.util.List;

/**
 * A member that moves with its group between the classic and the consumer protocol (online
 * migration): what a classic group needs to know of it, in either direction.
 *
 * @param memberId           its member id, kept across the conversion
 * @param instanceId         {@code group.instance.id} of a static member, or null
 * @param clientId           client id of its last request
 * @param clientHost         client address of its last request
 * @param rebalanceTimeoutMs its JoinGroup rebalance timeout, in ms
 * @param sessionTimeoutMs   its JoinGroup session timeout, in ms
 * @param protocols          the protocols of its last JoinGroup, in preference order
 * @param assignment         its partitions, serialized with Kafka's ConsumerProtocol (empty if none)
 */
public record MigratingMember(String memberId, String instanceId, String clientId, String clientHost,
                              int rebalanceTimeoutMs, int sessionTimeoutMs, List<ClassicProtocol> protocols,
                              byte[] assignment) {

    public MigratingMember {
        protocols = List.copyOf(protocols);
    }
}
