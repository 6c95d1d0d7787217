package io.runnel.metadata.raft;

import io.runnel.metadata.StartupException;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Formats log dirs on first start and checks them on later ones. Every dir (each log dir and the
 * metadata dir) holds a {@link MetaProperties}; they must all name this node's id and one
 * cluster id. Dirs without one (first start, or a dir added later) are formatted with the
 * cluster id the others carry, or a new random one when none does.
 */
public final class LogDirFormat {
    private LogDirFormat() {
    }

    /** Checks and formats the dirs; returns the cluster id. Throws {@link StartupException} on a mismatch. */
    public static String ensure(int nodeId, Path metadataDir, List<Path> logDirs) {
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
            clusterId = Uuid.randomUuid().toString();
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
}
