package io.runnel.metadata.raft;

import io.runnel.metadata.StartupException;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Formats log dirs on first start and checks them on later ones. Every dir (each log dir and the
 * metadata dir) holds a {@link MetaProperties}; they must all name this node's id and one
 * cluster id. Dirs without one (first start, or a dir added later) are formatted with the
 * cluster id the others carry, or, when none does, a new one: random in single-node mode (one
 * combined voter), else derived from {@code controller.quorum.voters}, so that every node of a
 * cluster started with the same voters (voters, controller-only or combined, and broker-only
 * nodes) formats itself into the same cluster (and Raft group) without a separate format step.
 */
public final class LogDirFormat {
    private LogDirFormat() {
    }

    /**
     * Checks and formats the dirs; returns the cluster id. Throws {@link StartupException} on a mismatch.
     *
     * @param randomClusterId whether a new cluster id is random (single-node mode: the only voter,
     *     also a broker) rather than derived from the voters, which every other node (controller-only
     *     voters, broker-only nodes) must do so that all of them find the same Raft group
     */
    public static String ensure(int nodeId, Map<Integer, InetSocketAddress> voters, boolean randomClusterId,
                                Path metadataDir, List<Path> logDirs) {
        Set<Path> dirs = new LinkedHashSet<>();
        logDirs.forEach(d -> dirs.add(d.toAbsolutePath().normalize()));
        dirs.add(metadataDir.toAbsolutePath().normalize());
        Map<Path, MetaProperties> existing = new LinkedHashMap<>();
        String clusterId = null;
        Path clusterIdDir = null;
        for (Path dir : dirs) {
            MetaProperties meta = MetaProperties.read(dir);
            if (meta == null) {
                continue;
            }
            if (meta.nodeId() != nodeId) {
                throw new StartupException("Stored node.id " + meta.nodeId() + " in " + dir.resolve(MetaProperties.FILE_NAME)
                        + " doesn't match configured node.id " + nodeId);
            }
            if (clusterId == null) {
                clusterId = meta.clusterId();
                clusterIdDir = dir;
            } else if (!clusterId.equals(meta.clusterId())) {
                throw new StartupException("Log dirs belong to different clusters: cluster.id " + clusterId + " in "
                        + clusterIdDir + " but " + meta.clusterId() + " in " + dir);
            }
            existing.put(dir, meta);
        }
        if (clusterId == null) {
            clusterId = randomClusterId ? Uuid.randomUuid().toString() : clusterIdOf(voters);
        }
        for (Path dir : dirs) {
            if (!existing.containsKey(dir)) {
                try {
                    new MetaProperties(clusterId, nodeId, Uuid.randomUuid()).write(dir);
                } catch (IOException e) {
                    throw new StartupException("Cannot format " + dir + ": " + e.getMessage(), e);
                }
            }
        }
        return clusterId;
    }

    /** The cluster id a multi-voter quorum formats itself with: a hash of the sorted voter list. */
    static String clusterIdOf(Map<Integer, InetSocketAddress> voters) {
        StringBuilder spec = new StringBuilder("runnel-cluster:");
        new TreeMap<>(voters).forEach((id, address) ->
                spec.append(id).append('@').append(address.getHostString()).append(':').append(address.getPort()).append(','));
        try {
            ByteBuffer hash = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                    .digest(spec.toString().getBytes(StandardCharsets.UTF_8)));
            // Top bit cleared so the base64 form never starts with '-', which Kafka's tools refuse.
            return new Uuid(hash.getLong() & Long.MAX_VALUE, hash.getLong()).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
