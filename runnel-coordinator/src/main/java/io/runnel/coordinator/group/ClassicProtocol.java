package io.runnel.coordinator.group;

import java.util.List;

/**
 * One protocol a classic member offers in JoinGroup: its name (the client assignor, e.g.
 * "range") and its opaque metadata (for protocol type "consumer", the serialized subscription).
 * Members keep their protocols in preference order.
 */
public record ClassicProtocol(String name, byte[] metadata) {

    /** The metadata offered for protocol {@code name} among {@code protocols}, or null if none is. */
    public static byte[] metadataOf(List<ClassicProtocol> protocols, String name) {
        for (ClassicProtocol p : protocols) {
            if (p.name().equals(name)) {
                return p.metadata();
            }
        }
        return null;
    }
}
