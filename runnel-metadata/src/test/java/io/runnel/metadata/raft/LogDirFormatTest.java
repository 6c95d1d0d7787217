package io.runnel.metadata.raft;

import io.runnel.metadata.StartupException;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogDirFormatTest {
    private static final Map<Integer, InetSocketAddress> ONE = Map.of(1, new InetSocketAddress("localhost", 9093));

    @TempDir
    Path dir;

    @Test
    void aMultiVoterClusterDerivesOneClusterIdOnEveryNode() {
        Map<Integer, InetSocketAddress> voters = Map.of(1, new InetSocketAddress("a", 9093),
                2, new InetSocketAddress("b", 9093), 3, new InetSocketAddress("c", 9093));
        String first = LogDirFormat.ensure(1, voters, false, dir.resolve("n1"), List.of(dir.resolve("n1")));
        String second = LogDirFormat.ensure(2, voters, false, dir.resolve("n2"), List.of(dir.resolve("n2")));
        assertThat(first).isEqualTo(second).hasSize(22);
        assertThat(LogDirFormat.ensure(1, ONE, true, dir.resolve("single"), List.of(dir.resolve("single")))).isNotEqualTo(first);
    }

    @Test
    void aOneVoterControllerAndItsBrokerOnlyNodesDeriveOneClusterId() {
        String controller = LogDirFormat.ensure(1, ONE, false, dir.resolve("c1"), List.of(dir.resolve("c1")));
        String broker = LogDirFormat.ensure(4, ONE, false, dir.resolve("b4"), List.of(dir.resolve("b4")));
        assertThat(broker).isEqualTo(controller);
    }

    @Test
    void firstStartFormatsEveryDirInKafkasFormat() throws IOException {
        Path meta = dir.resolve("meta");
        List<Path> logDirs = List.of(dir.resolve("a"), dir.resolve("b"));
        String clusterId = LogDirFormat.ensure(3, ONE, true, meta, logDirs);

        assertThat(clusterId).hasSize(22);
        assertThat(Uuid.fromString(clusterId)).isNotNull();
        for (Path d : List.of(meta, logDirs.get(0), logDirs.get(1))) {
            Properties props = new Properties();
            try (var reader = Files.newBufferedReader(d.resolve("meta.properties"))) {
                props.load(reader);
            }
            assertThat(props.getProperty("version")).isEqualTo("1");
            assertThat(props.getProperty("cluster.id")).isEqualTo(clusterId);
            assertThat(props.getProperty("node.id")).isEqualTo("3");
            assertThat(props.getProperty("directory.id")).hasSize(22);
        }
        assertThat(LogDirFormat.ensure(3, ONE, true, meta, logDirs)).isEqualTo(clusterId);
    }

    @Test
    void aNewDirJoinsTheExistingCluster() {
        String clusterId = LogDirFormat.ensure(1, ONE, true, dir.resolve("a"), List.of(dir.resolve("a")));
        assertThat(LogDirFormat.ensure(1, ONE, true, dir.resolve("a"), List.of(dir.resolve("a"), dir.resolve("new"))))
                .isEqualTo(clusterId);
        assertThat(MetaProperties.read(dir.resolve("new")).clusterId()).isEqualTo(clusterId);
    }

    @Test
    void anotherNodesDirIsRefused() {
        LogDirFormat.ensure(1, ONE, true, dir.resolve("a"), List.of(dir.resolve("a")));
        assertThatThrownBy(() -> LogDirFormat.ensure(2, ONE, true, dir.resolve("a"), List.of(dir.resolve("a"))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("node.id 1")
                .hasMessageContaining("node.id 2")
                .hasMessageNotContaining("\n");
    }

    @Test
    void dirsOfDifferentClustersAreRefused() {
        LogDirFormat.ensure(1, ONE, true, dir.resolve("a"), List.of(dir.resolve("a")));
        LogDirFormat.ensure(1, ONE, true, dir.resolve("b"), List.of(dir.resolve("b")));
        assertThatThrownBy(() -> LogDirFormat.ensure(1, ONE, true, dir.resolve("a"), List.of(dir.resolve("a"), dir.resolve("b"))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("different clusters");
    }
}
