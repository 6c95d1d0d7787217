package io.runnel.storage.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition's {@code leader-epoch-checkpoint}, in Kafka's text format:
 * {@code 0\n<count>\n<epoch> <startOffset>\n...}, epochs increasing.
 */
public final class LeaderEpochCheckpointFile {
    public static final String NAME = "leader-epoch-checkpoint";
    private static final int VERSION = 0;

    /** One leader epoch and the first offset written in it. */
    public record Entry(int epoch, long startOffset) {
    }

    private final Path file;

    public LeaderEpochCheckpointFile(Path partitionDir) {
        this.file = partitionDir.resolve(NAME);
    }

    public void write(List<Entry> entries) throws IOException {
        StringBuilder sb = new StringBuilder().append(VERSION).append('\n').append(entries.size()).append('\n');
        for (Entry e : entries) {
            sb.append(e.epoch()).append(' ').append(e.startOffset()).append('\n');
        }
        AtomicFile.write(file, sb.toString());
    }

    /** The entries, or an empty list when the file does not exist. */
    public List<Entry> read() throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return entries;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        try {
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                throw new IOException("unrecognised leader epoch checkpoint " + file);
            }
            int count = Integer.parseInt(lines.get(1).trim());
            for (int i = 0; i < count; i++) {
                String[] parts = lines.get(2 + i).trim().split(" ");
                entries.add(new Entry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
            }
        } catch (RuntimeException e) {
            throw new IOException("malformed leader epoch checkpoint " + file, e);
        }
        return entries;
    }
}
