package io.runnel.it;

import io.runnel.it.harness.ChildJvm;
import io.runnel.it.harness.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code runnel dev-cluster --nodes 3} as a user runs it: its output names the bootstrap servers
 * and one line per node, Kafka's Admin sees three brokers, and SIGTERM (what Ctrl-C amounts to)
 * stops every node process.
 */
class DevClusterIT {
    private static final Pattern NODE_LINE = Pattern.compile("^node (\\d+): client .*, pid (\\d+), config (\\S+), log (\\S+)$");

    private Path workDir;
    private Process devCluster;

    @BeforeEach
    void createDir() {
        workDir = TempDirs.create("runnel-dev-cluster-");
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        try {
            if (devCluster != null && devCluster.isAlive()) {
                devCluster.destroy();
                if (!devCluster.waitFor(60, TimeUnit.SECONDS)) {
                    devCluster.destroyForcibly().waitFor();
                }
            }
        } finally {
            TempDirs.delete(workDir);
        }
    }

    @Test
    void startsThreeNodesThatAdminSeesAndStopsThemAll() throws Exception {
        Path data = workDir.resolve("data");
        devCluster = ChildJvm.start(workDir, "io.runnel.cli.Main", List.of("dev-cluster", "--nodes", "3",
                "--data-dir", data.toString()));

        String bootstrap = await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200))
                .until(this::bootstrapLine, Optional::isPresent).orElseThrow();
        List<String> out = Files.readAllLines(workDir.resolve("stdout"));
        List<Matcher> nodeLines = out.stream().map(NODE_LINE::matcher).filter(Matcher::matches).toList();
        assertThat(nodeLines).as(String.join("\n", out)).hasSize(3);
        for (Matcher node : nodeLines) {
            int id = Integer.parseInt(node.group(1));
            assertThat(Path.of(node.group(3))).isEqualTo(data.resolve("node-" + id + ".properties")).exists();
            assertThat(Path.of(node.group(4))).isEqualTo(data.resolve("node-" + id + ".log")).exists();
            assertThat(data.resolve("node-" + id).resolve("meta.properties")).exists();
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            assertThat(admin.describeCluster().nodes().get()).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3);
        }

        Matcher node3 = nodeLines.get(2);
        ProcessHandle.of(Long.parseLong(node3.group(2))).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Files.readAllLines(workDir.resolve("stdout")))
                .contains("node 3 exited with code 137; start it again with: bin/runnel server --config " + node3.group(3)));

        devCluster.destroy();
        assertThat(devCluster.waitFor(60, TimeUnit.SECONDS)).as("dev-cluster stopped").isTrue();
        for (Matcher node : nodeLines) {
            long pid = Long.parseLong(node.group(2));
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("node process " + pid).isFalse();
        }
    }

    /** The "Bootstrap servers: ..." value once printed; fails at once if dev-cluster exited. */
    private Optional<String> bootstrapLine() throws Exception {
        List<String> out = Files.readAllLines(workDir.resolve("stdout"));
        if (!devCluster.isAlive()) {
            throw new AssertionError("dev-cluster exited with " + devCluster.exitValue() + ": " + out + " "
                    + Files.readString(workDir.resolve("stderr")));
        }
        return out.stream().filter(l -> l.startsWith("Bootstrap servers: "))
                .map(l -> l.substring("Bootstrap servers: ".length())).findFirst();
    }
}
