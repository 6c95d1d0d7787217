package io.runnel.it;

import io.runnel.it.harness.BrokerProcess;
import io.runnel.it.harness.FreePorts;
import io.runnel.it.harness.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka 4.4's shipped combined-mode server.properties (with static controller.quorum.voters)
 * starts Runnel unchanged: ports 9092/9093, data in /tmp/kraft-combined-logs, formatted on first
 * start. SIGTERM then shuts it down cleanly (clean-shutdown marker written) in under 5 s.
 */
class ServerPropertiesIT {
    private static final Path CONFIG = Path.of("../runnel-broker/src/test/resources/kafka-4.4-server.properties");
    private static final Path DATA = Path.of("/tmp/kraft-combined-logs");

    @Test
    void kafkaServerPropertiesStartRunnelUnchanged() throws Exception {
        FreePorts.assertFree(9092);
        FreePorts.assertFree(9093);
        TempDirs.delete(DATA);
        try (BrokerProcess broker = BrokerProcess.start(List.of("--config", CONFIG.toString()), "localhost:9092", DATA)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                assertThat(admin.describeCluster().nodes().get()).extracting(n -> n.id()).containsExactly(1);
                admin.createTopics(List.of(new NewTopic("from-kafka-config", 1, (short) 1))).all().get();
            }
            assertThat(DATA.resolve("meta.properties")).exists();
            assertThat(Files.isDirectory(DATA.resolve("from-kafka-config-0"))).isTrue();

            long start = System.nanoTime();
            assertThat(broker.terminate()).as("exit code after SIGTERM (128 + 15, as for Kafka)").isEqualTo(143);
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms to shut down").isLessThan(5_000);
            assertThat(DATA.resolve(".kafka_cleanshutdown")).exists();
        }
    }

}
