package io.runnel.it.harness;

/** A {@link ClusterNode}'s {@code process.roles}; COMBINED unless a test asks otherwise. */
public enum NodeRole {
    /** {@code broker,controller}: a voter that serves clients. */
    COMBINED("broker,controller"),
    /** {@code broker}: serves clients, follows the metadata quorum as a non-voting listener peer. */
    BROKER("broker"),
    /** {@code controller}: a voter without client listener, never in Metadata answers. */
    CONTROLLER("controller");

    private final String processRoles;

    NodeRole(String processRoles) {
        this.processRoles = processRoles;
    }

    /** The {@code process.roles} value. */
    public String processRoles() {
        return processRoles;
    }

    public boolean isBroker() {
        return this != CONTROLLER;
    }

    public boolean isVoter() {
        return this != BROKER;
    }
}
