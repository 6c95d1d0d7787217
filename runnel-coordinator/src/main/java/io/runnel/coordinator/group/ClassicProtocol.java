package io.runnel.coordinator.group;

/**
 * One protocol a classic member offers in JoinGroup: its name (the client assignor, e.g.
 * "range") and its opaque metadata (for protocol type "consumer", the serialized subscription).
 * Members keep their protocols in preference order.
 */
public record ClassicProtocol(String name, byte[] metadata) {
}
