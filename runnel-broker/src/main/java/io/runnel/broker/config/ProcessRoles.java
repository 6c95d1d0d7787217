package io.runnel.broker.config;

import org.apache.kafka.common.config.ConfigException;

import java.util.List;

/**
 * {@code process.roles}: what a node runs. A {@code controller} is a voter of the metadata quorum
 * (its {@code node.id} is in {@code controller.quorum.voters}); a {@code broker} serves clients,
 * registers with the active controller and holds partitions; a broker that is not a controller
 * follows the metadata log as a non-voting Ratis LISTENER peer.
 */
public enum ProcessRoles {
    /** {@code broker,controller}: a voter that is also a broker (Kafka's combined mode). */
    COMBINED,
    /** {@code broker}: not a voter; follows the metadata log as a listener peer. */
    BROKER,
    /** {@code controller}: a voter and nothing else: no client listener, no partitions. */
    CONTROLLER;

    /** Parses the (already type-checked) list; an empty one is a {@link ConfigException}. */
    static ProcessRoles parse(List<String> roles) {
        boolean broker = roles.contains("broker");
        boolean controller = roles.contains("controller");
        if (broker && controller) {
            return COMBINED;
        }
        if (broker) {
            return BROKER;
        }
        if (controller) {
            return CONTROLLER;
        }
        throw new ConfigException("process.roles", "", "at least one of broker, controller is needed");
    }

    public boolean isBroker() {
        return this != CONTROLLER;
    }

    public boolean isController() {
        return this != BROKER;
    }
}
