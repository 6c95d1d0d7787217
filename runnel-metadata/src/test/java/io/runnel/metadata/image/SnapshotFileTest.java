package io.runnel.metadata.image;

import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.ProducerIdsRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotFileTest {
    @TempDir
    Path dir;

    private static MetadataImage sample() {
        MetadataImage image = Images.withTopic(Images.withTopic(Images.withBrokers(3), "a", 3, 2), "b", 1, 3);
        return Images.apply(image, List.of(
                new ConfigRecord(ConfigResource.Type.TOPIC, "a", "cleanup.policy", "compact"),
                new ConfigRecord(ConfigResource.Type.BROKER, "", "log.retention.ms", "60000"),
                new ProducerIdsRecord(1, 3000)));
    }

    @Test
    void aSnapshotReloadsAsTheSameImage() throws IOException {
        MetadataImage image = sample();
        Path file = dir.resolve("snapshot.1_42");
        SnapshotFile.write(file, image, 1, 42);

        MetadataImage read = SnapshotFile.read(file, image.clusterId());
        assertThat(read.offset()).isEqualTo(42);
        assertThat(read.brokers()).isEqualTo(image.brokers());
        assertThat(read.topicsByName()).isEqualTo(image.topicsByName());
        assertThat(read.topicsById()).isEqualTo(image.topicsById());
        assertThat(read.configs()).isEqualTo(image.configs());
        assertThat(read.nextProducerId()).isEqualTo(3000);
    }

    @Test
    void aCorruptSnapshotIsRefused() throws IOException {
        Path file = dir.resolve("snapshot.1_42");
        SnapshotFile.write(file, sample(), 1, 42);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(file, bytes);
        assertThatThrownBy(() -> SnapshotFile.read(file, "c")).isInstanceOf(IOException.class).hasMessageContaining("CRC");
    }
}
