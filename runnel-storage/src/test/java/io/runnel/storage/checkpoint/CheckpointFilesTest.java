package io.runnel.storage.checkpoint;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointFilesTest {
    @TempDir
    Path dir;

    @Test
    void offsetCheckpointUsesKafkasFormat() throws Exception {
        OffsetCheckpointFile file = new OffsetCheckpointFile(dir.resolve("recovery-point-offset-checkpoint"));
        assertThat(file.read()).isEmpty();
        file.write(Map.of(new TopicPartition("a-b", 3), 42L));
        assertThat(Files.readString(dir.resolve("recovery-point-offset-checkpoint"))).isEqualTo("0\n1\na-b 3 42\n");
        assertThat(file.read()).containsExactly(Map.entry(new TopicPartition("a-b", 3), 42L));

        Files.writeString(dir.resolve("recovery-point-offset-checkpoint"), "0\n2\na 1 5\n");
        assertThatThrownBy(file::read).isInstanceOf(IOException.class);
    }

    @Test
    void partitionMetadataUsesKafkasFormat() throws Exception {
        Uuid id = Uuid.randomUuid();
        PartitionMetadataFile file = new PartitionMetadataFile(dir);
        assertThat(file.read()).isEmpty();
        file.write(id);
        assertThat(Files.readString(dir.resolve("partition.metadata"))).isEqualTo("version: 0\ntopic_id: " + id + "\n");
        assertThat(file.read()).contains(id);
    }
}
