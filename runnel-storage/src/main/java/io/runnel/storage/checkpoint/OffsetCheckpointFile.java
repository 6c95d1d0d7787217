package io.runnel.storage.checkpoint;

import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-log-directory map from partition to offset, in Kafka's text format:
 * {@code 0\n<count>\n<topic> <partition> <offset>\n...}.
 *
 * <p>Thread-safety: callers serialize writes of one file (the log manager does).
 */
public final class OffsetCheckpointFile {
    private static final int VERSION = 0;

    private final Path file;

    public OffsetCheckpointFile(Path file) {
        this.file = file;
    }

    public void write(Map<TopicPartition, Long> offsets) throws IOException {
        StringBuilder sb = new StringBuilder().append(VERSION).append('\n').append(offsets.size()).append('\n');
        offsets.forEach((tp, offset) -> sb.append(tp.topic()).append(' ').append(tp.partition()).append(' ')
                .append(offset).append('\n'));
        AtomicFile.write(file, sb.toString());
    }

    /** The offsets, or an empty map when the file does not exist. */
    public Map<TopicPartition, Long> read() throws IOException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (!Files.exists(file)) {
            return offsets;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        try {
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                throw new IOException("unrecognised checkpoint file " + file);
            }
            int count = Integer.parseInt(lines.get(1).trim());
            for (int i = 0; i < count; i++) {
                String[] parts = lines.get(2 + i).trim().split(" ");
                offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            }
        } catch (RuntimeException e) {
            throw new IOException("malformed checkpoint file " + file, e);
        }
        return offsets;
    }
}
