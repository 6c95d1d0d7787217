package io.runnel.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a new JVM on the test classpath: for tools whose entry points call
 * System.exit (Kafka's command-line tools) and for clients a test must kill -9. Output goes to
 * files under a directory the caller owns (and deletes).
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** What a finished tool printed and returned. */
    public record Result(int code, String out, String err) {
        public List<String> lines() {
            return out.lines().toList();
        }
    }

    /**
     * Runs {@code mainClass} to completion with {@code stdin} as input.
     *
     * @throws AssertionError it did not finish within {@code timeout} (it is killed)
     */
    public static Result run(Path workDir, Duration timeout, String stdin, String mainClass, List<String> args) {
        try {
            Path dir = Files.createTempDirectory(workDir, "run-");
            Files.writeString(dir.resolve("stdin"), stdin);
            Process process = start(dir, mainClass, args);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(mainClass + " did not finish in " + timeout + ": "
                        + Files.readString(dir.resolve("stderr")));
            }
            return new Result(process.exitValue(),
                    Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8),
                    Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts {@code mainClass} with stdin from {@code dir/stdin} (empty when absent) and its
     * output in {@code dir/stdout} and {@code dir/stderr}; the caller stops it
     * ({@code destroyForcibly()} is kill -9).
     */
    public static Process start(Path dir, String mainClass, List<String> args) throws IOException {
        Path stdin = dir.resolve("stdin");
        if (!Files.exists(stdin)) {
            Files.createFile(stdin);
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return new ProcessBuilder(cmd)
                .redirectInput(stdin.toFile())
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile())
                .start();
    }
}
