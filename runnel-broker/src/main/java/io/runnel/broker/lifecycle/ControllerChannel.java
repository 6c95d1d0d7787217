package io.runnel.broker.lifecycle;

import io.runnel.metadata.BrokerHeartbeat;
import io.runnel.metadata.BrokerHeartbeatReply;
import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.Controller;

import java.util.concurrent.CompletableFuture;

/**
 * How a broker reaches the active controller for its lifecycle calls. Today the controller is
 * the one in this process ({@link #local}); in a cluster it may be another node, reached over the
 * network. Implementations are thread-safe; futures fail (e.g. {@code NotControllerException})
 * when the call should be retried.
 */
public interface ControllerChannel {

    /** See {@link Controller#registerBroker}. */
    CompletableFuture<Void> register(BrokerRegistration registration);

    /** See {@link Controller#brokerHeartbeat}. */
    CompletableFuture<BrokerHeartbeatReply> heartbeat(BrokerHeartbeat heartbeat);

    /**
     * Calls the controller in this process directly.
     *
     * @param cleanShutdown whether this broker's previous process stopped cleanly (see
     *     {@link Controller#registerBroker}); every registration says so
     */
    static ControllerChannel local(Controller controller, boolean cleanShutdown) {
        return new ControllerChannel() {
            @Override
            public CompletableFuture<Void> register(BrokerRegistration registration) {
                return controller.registerBroker(registration, cleanShutdown);
            }

            @Override
            public CompletableFuture<BrokerHeartbeatReply> heartbeat(BrokerHeartbeat heartbeat) {
                return controller.brokerHeartbeat(heartbeat);
            }
        };
    }
}
