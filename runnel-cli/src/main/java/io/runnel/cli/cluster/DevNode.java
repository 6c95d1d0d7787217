package io.runnel.cli.cluster;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One node of a dev cluster: its {@code server.properties} ({@code <data>/node-N.properties}),
 * a {@code runnel server --config} child process started with the parent's JVM options and
 * classpath, its output appended to {@code <data>/node-N.log}, its data in {@code <data>/node-N}.
 * A node the user killed can be started again by hand with the same config file.
 */
final class DevNode {
    private final NodePorts ports;
    private final Path config;
    private final Path log;
    private final Process process;

    private DevNode(NodePorts ports, Path config, Path log, Process process) {
        this.ports = ports;
        this.config = config;
        this.log = log;
        this.process = process;
    }

    /** Writes the node's config file and starts its process (returns at once). */
    static DevNode start(NodePorts ports, Map<String, String> properties, Path dataRoot, List<String> javaCommand)
            throws IOException {
        Files.createDirectories(dataRoot);
        Path config = dataRoot.resolve("node-" + ports.nodeId() + ".properties");
        writeConfig(config, properties);
        Path log = dataRoot.resolve("node-" + ports.nodeId() + ".log");
        List<String> command = new ArrayList<>(javaCommand);
        command.addAll(List.of("io.runnel.cli.Main", "server", "--config", config.toString()));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        process.getOutputStream().close();
        return new DevNode(ports, config, log, process);
    }

    /** Kafka's properties syntax, keys in a readable order (insertion order of {@code properties}). */
    private static void writeConfig(Path file, Map<String, String> properties) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("# Written by runnel dev-cluster. Start this node (again) with: bin/runnel server --config " + file + "\n");
            for (Map.Entry<String, String> e : properties.entrySet()) {
                out.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
            }
        }
    }

    NodePorts ports() {
        return ports;
    }

    Path config() {
        return config;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Completes when the process has ended, for whatever reason. */
    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** Sends SIGTERM (a clean shutdown) without waiting. */
    void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL without waiting. */
    void kill() {
        process.destroyForcibly();
    }

    /** Waits up to {@code timeoutMs} for the process to end, then kills it (SIGKILL). */
    void awaitExit(long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
