package io.runnel.storage.checkpoint;

import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A partition's {@code partition.metadata}, Kafka's format:
 * {@code version: 0\ntopic_id: <base64 uuid>\n}.
 */
public final class PartitionMetadataFile {
    public static final String NAME = "partition.metadata";

    private final Path file;

    public PartitionMetadataFile(Path partitionDir) {
        this.file = partitionDir.resolve(NAME);
    }

    public void write(Uuid topicId) throws IOException {
        AtomicFile.write(file, "version: 0\ntopic_id: " + topicId + "\n");
    }

    /** The topic id, or empty when the file is absent. */
    public Optional<Uuid> read() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        try {
            if (lines.size() < 2 || !lines.get(0).trim().equals("version: 0") || !lines.get(1).startsWith("topic_id:")) {
                throw new IOException("malformed " + file);
            }
            return Optional.of(Uuid.fromString(lines.get(1).substring("topic_id:".length()).trim()));
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed " + file, e);
        }
    }
}
