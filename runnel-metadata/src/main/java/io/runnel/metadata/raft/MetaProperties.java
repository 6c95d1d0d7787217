package io.runnel.metadata.raft;

import io.runnel.metadata.StartupException;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * A log dir's {@code meta.properties}, in Kafka's KRaft format (version 1):
 * {@code version=1}, {@code cluster.id} (22-character base64 Uuid), {@code node.id} and
 * {@code directory.id} (a Uuid per directory). Written once when the dir is formatted
 * (temp file, fsync, rename); read on every start.
 */
public record MetaProperties(String clusterId, int nodeId, Uuid directoryId) {
    public static final String FILE_NAME = "meta.properties";

    /** The dir's meta.properties, or null if it has none; a malformed file is a StartupException. */
    public static MetaProperties read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return null;
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new StartupException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!"1".equals(props.getProperty("version"))) {
            throw new StartupException(file + " has version " + props.getProperty("version")
                    + "; only KRaft meta.properties (version=1) are supported");
        }
        String clusterId = props.getProperty("cluster.id");
        String nodeId = props.getProperty("node.id");
        if (clusterId == null || nodeId == null) {
            throw new StartupException(file + " lacks cluster.id or node.id");
        }
        try {
            String directoryId = props.getProperty("directory.id");
            return new MetaProperties(clusterId, Integer.parseInt(nodeId.trim()),
                    directoryId == null ? null : Uuid.fromString(directoryId.trim()));
        } catch (IllegalArgumentException e) {
            throw new StartupException(file + " is malformed: " + e.getMessage(), e);
        }
    }

    public void write(Path dir) throws IOException {
        Properties props = new Properties();
        props.setProperty("version", "1");
        props.setProperty("cluster.id", clusterId);
        props.setProperty("node.id", Integer.toString(nodeId));
        if (directoryId != null) {
            props.setProperty("directory.id", directoryId.toString());
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            props.store(writer, "");
        }
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
