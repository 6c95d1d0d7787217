package io.runnel.it.harness;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A broker in its own JVM, started as a user would ({@code io.runnel.cli.Main server}) with the
 * test's classpath, so tests can kill it with SIGKILL or stop it with SIGTERM. Output goes to
 * {@link #logFile()}, next to the data directory.
 */
public final class BrokerProcess implements AutoCloseable {
    private final List<String> serverArgs;
    private final String bootstrap;
    private final Path dataDir;
    private Process process;

    private BrokerProcess(List<String> serverArgs, String bootstrap, Path dataDir) {
        this.serverArgs = serverArgs;
        this.bootstrap = bootstrap;
        this.dataDir = dataDir;
    }

    /** Starts a broker process configured by {@code spec} and waits until it answers Kafka requests. */
    public static BrokerProcess start(BrokerSpec spec) {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> e : spec.properties().entrySet()) {
            args.add("--override");
            args.add(e.getKey() + "=" + e.getValue());
        }
        return start(args, spec.bootstrap(), spec.dataDir());
    }

    /**
     * Starts {@code runnel server ARGS} and waits until it answers on {@code bootstrap};
     * {@code dataDir} is deleted by {@link #close}.
     */
    public static BrokerProcess start(List<String> serverArgs, String bootstrap, Path dataDir) {
        BrokerProcess broker = new BrokerProcess(serverArgs, bootstrap, dataDir);
        broker.launch();
        return broker;
    }

    public String bootstrap() {
        return bootstrap;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    /** Command line used for a server with the given arguments (exposed for config tests). */
    public static List<String> command(List<String> serverArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.runnel.cli.Main");
        cmd.add("server");
        cmd.addAll(serverArgs);
        return cmd;
    }

    private void launch() {
        try {
            process = new ProcessBuilder(command(serverArgs))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    private void awaitReady() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("broker exited with " + process.exitValue() + ", see " + logFile());
                }
                return admin.describeCluster().nodes().get().size() == 1;
            });
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill9() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM: the broker shuts down cleanly. Returns the exit code. */
    public int terminate() {
        process.destroy();
        return waitFor();
    }

    public void restart() {
        if (process.isAlive()) {
            terminate();
        }
        launch();
    }

    private int waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (process != null && process.isAlive()) {
                kill9();
            }
        } finally {
            TempDirs.delete(dataDir);
            new File(logFile().toString()).delete();
        }
    }
}
