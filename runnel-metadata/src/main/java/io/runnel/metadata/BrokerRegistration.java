package io.runnel.metadata;

import org.apache.kafka.common.Uuid;

import java.util.List;

/**
 * A registered broker: node id, the incarnation id of its current process, the endpoints clients
 * use (advertised listeners), its rack (null if none) and whether it is fenced.
 */
public record BrokerRegistration(int id, Uuid incarnationId, List<Endpoint> endpoints, String rack, boolean fenced) {

    /** This registration with another fenced flag. */
    public BrokerRegistration withFenced(boolean fenced) {
        return new BrokerRegistration(id, incarnationId, endpoints, rack, fenced);
    }

    /** An advertised listener. */
    public record Endpoint(String listenerName, String host, int port, String securityProtocol) {
    }
}
