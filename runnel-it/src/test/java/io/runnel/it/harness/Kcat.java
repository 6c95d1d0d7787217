package io.runnel.it.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds kcat, installing it with apt first when missing (src/test/scripts/ensure-kcat.sh). */
public final class Kcat {
    private static String path;

    private Kcat() {
    }

    public static synchronized String path() {
        if (path == null) {
            try {
                Process install = new ProcessBuilder("bash", "src/test/scripts/ensure-kcat.sh").redirectErrorStream(true).start();
                String out = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (install.waitFor() != 0) {
                    throw new IllegalStateException("ensure-kcat.sh failed: " + out);
                }
                path = out.lines().reduce((a, b) -> b).orElseThrow();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return path;
    }

    /**
     * Runs kcat with {@code args} and {@code stdin} (null: none) and returns its stdout; fails
     * with kcat's stderr when it exits non-zero or runs longer than 60 s.
     *
     * @param workDir where kcat's stderr is kept
     */
    public static byte[] run(Path workDir, List<String> args, byte[] stdin) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(path()));
        command.addAll(args);
        Path err = Files.createTempFile(workDir, "kcat", ".err");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin);
        }
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("kcat " + args + " did not finish in 60 s: " + Files.readString(err));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("kcat " + args + " failed (" + p.exitValue() + "): " + Files.readString(err));
        }
        return out.toByteArray();
    }
}
