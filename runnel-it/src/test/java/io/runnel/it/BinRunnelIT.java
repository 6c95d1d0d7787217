package io.runnel.it;

import io.runnel.it.harness.Kcat;
import io.runnel.it.harness.FreePorts;
import io.runnel.it.harness.TempDirs;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's first command, exactly: {@code bin/runnel server} with no arguments starts a
 * broker on localhost:9092 with data in ./data that {@code kcat -L} lists, and SIGTERM stops it
 * cleanly.
 */
class BinRunnelIT {
    private static final Path BIN_RUNNEL = Path.of("../bin/runnel").toAbsolutePath().normalize();

    @Test
    void readmeCommandStartsABrokerThatKcatLists() throws Exception {
        FreePorts.assertFree(9092);
        FreePorts.assertFree(9093);
        Path cwd = TempDirs.create("runnel-bin-");
        Path log = cwd.resolve("server.log");
        Process server = new ProcessBuilder(BIN_RUNNEL.toString(), "server").directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String kcat = Kcat.path();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(server.isAlive()).as("server running; log: %s", Files.readString(log)).isTrue();
                Process list = new ProcessBuilder(kcat, "-b", "localhost:9092", "-L", "-m", "2").redirectErrorStream(true).start();
                String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return list.waitFor() == 0 && out.contains("broker 1 at localhost:9092");
            });
            assertThat(cwd.resolve("data/meta.properties")).exists();
            server.destroy();
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(cwd.resolve("data/.kafka_cleanshutdown")).exists();
            assertThat(Files.readString(log)).contains("Runnel broker 1 started");
        } finally {
            server.destroyForcibly();
            server.waitFor();
            TempDirs.delete(cwd);
        }
    }

}
