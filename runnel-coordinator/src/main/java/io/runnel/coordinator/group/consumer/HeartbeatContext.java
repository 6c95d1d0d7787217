package io.runnel.coordinator.group.consumer;

/**
 * What a ConsumerGroupHeartbeat carries outside its body.
 *
 * @param apiVersion the request version: from v1 the client generates its member id
 * @param clientId   the request header's client id
 * @param clientHost the client's address, as shown by describe
 */
public record HeartbeatContext(short apiVersion, String clientId, String clientHost) {

    /** The first version in which a joining member must bring its own member id. */
    public static final short CLIENT_GENERATED_MEMBER_ID_VERSION = 1;
}
