package io.runnel.cli.cluster;

import io.runnel.cli.CliRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Argument checks; starting a cluster is DevClusterIT's job (runnel-it). */
class DevClusterCommandTest {

    @Test
    void badNodeCountsAndPortsAreUsageErrors() {
        CliRun.Result none = CliRun.run("dev-cluster", "--nodes", "0");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).startsWith("runnel: --nodes must be between 1 and 99, not 0");

        CliRun.Result noRoom = CliRun.run("dev-cluster", "--port", "65530", "--nodes", "5");
        assertThat(noRoom.exitCode()).isEqualTo(2);
        assertThat(noRoom.err()).contains("leaves no room for 5 nodes' ports");
    }
}
