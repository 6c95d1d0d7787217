package io.runnel.it.harness;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A broker in its own JVM, started as a user would ({@code io.runnel.cli.Main server}) with the
 * test's classpath, so tests can kill it with SIGKILL, stop it with SIGTERM or freeze it with
 * SIGSTOP. Output goes to {@link #logFile()}, next to the data directory.
 *
 * <p>A single-node broker ({@link #start}) is waited for at every (re)start; a node of a cluster
 * ({@link #spawn}) is not, since it answers only once a quorum of its peers runs.
 * Not thread-safe: one test thread drives it.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final Pattern READY_LINE = Pattern.compile("(?m)^Runnel (broker|controller) \\d+ started: ");
    private final List<String> serverArgs;
    private final String bootstrap;
    private final Path dataDir;
    private final boolean standalone;
    private Process process;
    private boolean paused;
    /** Size of the log file when the current process was started: its own output comes after. */
    private long logOffsetAtLaunch;

    private BrokerProcess(List<String> serverArgs, String bootstrap, Path dataDir, boolean standalone) {
        this.serverArgs = serverArgs;
        this.bootstrap = bootstrap;
        this.dataDir = dataDir;
        this.standalone = standalone;
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
        BrokerProcess broker = new BrokerProcess(serverArgs, bootstrap, dataDir, true);
        broker.launch();
        return broker;
    }

    /**
     * Starts {@code runnel server ARGS} and returns at once, as does {@link #restart} later: for a
     * node of a cluster, whose readiness the cluster checks. {@code dataDir} is deleted by {@link #close}.
     */
    public static BrokerProcess spawn(List<String> serverArgs, String bootstrap, Path dataDir) {
        BrokerProcess broker = new BrokerProcess(serverArgs, bootstrap, dataDir, false);
        broker.launch();
        return broker;
    }

    public String bootstrap() {
        return bootstrap;
    }

    public long pid() {
        return process.pid();
    }

    /** True while the process runs, paused or not. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * True once the current process printed {@code runnel server}'s ready line ("Runnel broker N
     * started: ..."), which it does when its broker is registered and unfenced: this incarnation,
     * not a killed one whose registration the controller may still hold.
     */
    public boolean hasPrintedReadyLine() {
        try (RandomAccessFile log = new RandomAccessFile(logFile().toFile(), "r")) {
            log.seek(logOffsetAtLaunch);
            byte[] output = new byte[(int) Math.max(0, log.length() - logOffsetAtLaunch)];
            log.readFully(output);
            return READY_LINE.matcher(new String(output, StandardCharsets.UTF_8)).find();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True between {@link #pause} and {@link #resume} (or the process's end). */
    public boolean isPaused() {
        return paused && process.isAlive();
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
            Path log = logFile();
            logOffsetAtLaunch = Files.exists(log) ? Files.size(log) : 0;
            process = new ProcessBuilder(command(serverArgs))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        paused = false;
        if (standalone) {
            awaitReady();
        }
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

    /** SIGTERM (and SIGCONT if paused, so it is handled): the broker shuts down cleanly. Returns the exit code. */
    public int terminate() {
        process.destroy();
        if (paused) {
            resume();
        }
        return waitFor();
    }

    /** SIGSTOP: the JVM freezes, its sockets stay open (peers see silence, not a reset). */
    public void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT: a paused JVM runs on, its timers firing late. */
    public void resume() {
        signal("CONT");
        paused = false;
    }

    /** Stops the broker cleanly if it runs (SIGTERM), then starts it again on the same arguments and data. */
    public void restart() {
        if (process.isAlive()) {
            terminate();
        }
        launch();
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
