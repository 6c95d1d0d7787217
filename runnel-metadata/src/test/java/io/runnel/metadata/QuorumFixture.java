package io.runnel.metadata;

import io.runnel.metadata.raft.RaftTuning;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Settings for a one-voter quorum in a temp dir on a free 127.0.0.1 port. */
final class QuorumFixture {
    private QuorumFixture() {
    }

    static QuorumSettings settings(Path dir, int nodeId, Map<String, Object> topicDefaults) {
        return new QuorumSettings(nodeId, Map.of(nodeId, new InetSocketAddress("127.0.0.1", freePort())),
                dir.resolve("metadata"), List.of(dir.resolve("logs1"), dir.resolve("logs2")), 3, (short) 1,
                topicDefaults, 9000);
    }

    /** Snapshots every {@code snapshotThreshold} entries; small thresholds also get small log segments. */
    static MetadataQuorum start(QuorumSettings settings, long snapshotThreshold) {
        return MetadataQuorum.start(settings, Time.SYSTEM, tuning(snapshotThreshold));
    }

    static RaftTuning tuning(long snapshotThreshold) {
        return snapshotThreshold >= RaftTuning.DEFAULT.snapshotThreshold() ? RaftTuning.DEFAULT
                : new RaftTuning(snapshotThreshold, 1024);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
