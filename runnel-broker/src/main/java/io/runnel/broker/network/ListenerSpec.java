package io.runnel.broker.network;

/**
 * One listener to open.
 *
 * @param name listener name (e.g. {@code PLAINTEXT}), unique per server
 * @param host address to bind; empty or null binds all interfaces
 * @param port TCP port; 0 binds an ephemeral port (see {@link NetworkServer#boundPort})
 */
public record ListenerSpec(String name, String host, int port) {
}
