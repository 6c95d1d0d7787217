package io.runnel.broker.api;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.MetadataImage;

import java.util.Optional;

/** Finds the endpoint of a broker that clients on a given listener should use. */
final class Endpoints {
    private Endpoints() {
    }

    /** The broker's advertised endpoint with the same listener name as the request came in on. */
    static Optional<BrokerRegistration.Endpoint> of(BrokerRegistration broker, String listenerName) {
        return broker.endpoints().stream().filter(e -> e.listenerName().equals(listenerName)).findFirst();
    }

    static Optional<BrokerRegistration.Endpoint> of(MetadataImage image, int brokerId, String listenerName) {
        BrokerRegistration broker = image.brokers().get(brokerId);
        return broker == null ? Optional.empty() : of(broker, listenerName);
    }
}
