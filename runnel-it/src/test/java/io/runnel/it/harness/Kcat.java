package io.runnel.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

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
}
