package io.runnel.it.chaos;

import io.runnel.it.harness.ClusterNode;
import io.runnel.it.harness.ClusterProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Keeps the node logs of a randomized run, which the cluster deletes on close. */
final class NodeLogs {
    private NodeLogs() {
    }

    /**
     * Copies every node's log to {@code target/<dirName>/<seed>/}, so a failure, or a long
     * unavailability, can be diagnosed after the run.
     */
    static void keep(ClusterProcess cluster, String dirName, long seed) {
        Path dir = Path.of("target", dirName, Long.toString(seed));
        try {
            Files.createDirectories(dir);
            for (ClusterNode node : cluster.nodes()) {
                if (Files.exists(node.logFile())) {
                    Files.copy(node.logFile(), dir.resolve("node-" + node.id() + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.out.println("node logs kept in " + dir.toAbsolutePath());
        } catch (IOException e) {
            System.out.println("could not keep the node logs: " + e);
        }
    }
}
