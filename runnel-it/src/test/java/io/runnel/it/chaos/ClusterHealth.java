package io.runnel.it.chaos;

import io.runnel.it.harness.ClusterProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** The condition the randomized tests wait for after each fault: the cluster whole again. */
final class ClusterHealth {
    /** How long a recovery may take on a loaded machine. */
    static final Duration RECOVERY = Duration.ofSeconds(90);

    private ClusterHealth() {
    }

    /** Every node up and agreeing on the cluster, and every partition of {@code topic} with a full ISR. */
    static void awaitHealthy(ClusterProcess cluster, Admin admin, String topic, int partitions, long seed) {
        cluster.waitForClusterReady(RECOVERY);
        awaitIsrsFull(admin, topic, partitions, seed);
    }

    static void awaitIsrsFull(Admin admin, String topic, int partitions, long seed) {
        await("every ISR full, seed " + seed).atMost(RECOVERY).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                    return description.partitions().size() == partitions
                            && description.partitions().stream().allMatch(p -> p.isr().size() == 3);
                });
    }
}
