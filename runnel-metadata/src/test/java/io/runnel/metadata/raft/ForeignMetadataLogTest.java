package io.runnel.metadata.raft;

import io.runnel.metadata.StartupException;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A metadata log dir holding another cluster's Raft group is refused before Ratis starts on it. */
class ForeignMetadataLogTest {
    private static final String CLUSTER = Uuid.randomUuid().toString();

    @TempDir
    Path dir;

    @Test
    void anEmptyOrMissingDirAndTheOwnGroupAreAccepted() throws IOException {
        assertThatCode(() -> RaftNode.refuseLogOfAnotherCluster(dir.resolve("missing"), CLUSTER)).doesNotThrowAnyException();
        Files.createDirectories(dir.resolve(RatisIds.groupId(CLUSTER).getUuid().toString()));
        Files.createDirectories(dir.resolve("not-a-group"));
        assertThatCode(() -> RaftNode.refuseLogOfAnotherCluster(dir, CLUSTER)).doesNotThrowAnyException();
    }

    @Test
    void anotherClustersGroupIsRefusedWithOneLine() throws IOException {
        String other = Uuid.randomUuid().toString();
        Files.createDirectories(dir.resolve(RatisIds.groupId(other).getUuid().toString()));
        assertThatThrownBy(() -> RaftNode.refuseLogOfAnotherCluster(dir, CLUSTER))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("The metadata log in " + dir + " belongs to another cluster than cluster.id "
                        + CLUSTER);
    }
}
