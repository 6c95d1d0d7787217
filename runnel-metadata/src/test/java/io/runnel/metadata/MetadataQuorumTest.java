package io.runnel.metadata;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MetadataQuorumTest {
    @TempDir
    Path dir;

    private static BrokerRegistration broker(int id) {
        return new BrokerRegistration(id, Uuid.randomUuid(),
                List.of(new BrokerRegistration.Endpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")), null, false);
    }

    @Test
    void oneVoterQuorumStartsQuicklyAndLeads() throws Exception {
        QuorumSettings settings = QuorumFixture.settings(dir, 1, Map.of());
        long startNanos = System.nanoTime();
        try (MetadataQuorum quorum = QuorumFixture.start(settings, 10_000)) {
            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            // Cold JVM: mostly loading Ratis and gRPC classes (about 0.1-0.3 s once warm).
            assertThat(startMs).as("start time in ms").isLessThan(5_000);
            assertThat(quorum.activeControllerId()).isEqualTo(1);
            assertThat(quorum.image().clusterId()).hasSize(22);

            quorum.controller().registerBroker(broker(1)).get(5, TimeUnit.SECONDS);
            assertThat(quorum.image().brokers()).containsKey(1);
            long closeStart = System.nanoTime();
            quorum.close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart)).as("close ms").isLessThan(2_000);
        }
    }

    @Test
    void listenersSeeCurrentImageThenEveryChange() throws Exception {
        try (MetadataQuorum quorum = QuorumFixture.start(QuorumFixture.settings(dir, 1, Map.of()), 10_000)) {
            List<MetadataImage> seen = new CopyOnWriteArrayList<>();
            quorum.addListener((previous, current) -> seen.add(current));
            assertThat(seen).hasSize(1);
            long first = quorum.controller().allocateProducerIds(1, 1000).get(5, TimeUnit.SECONDS);
            long second = quorum.controller().allocateProducerIds(1, 1000).get(5, TimeUnit.SECONDS);
            assertThat(first).isZero();
            assertThat(second).isEqualTo(1000);
            await().atMost(5, TimeUnit.SECONDS).until(() -> seen.size() == 3);
            assertThat(seen.get(2).nextProducerId()).isEqualTo(2000);
            assertThat(seen.get(2).offset()).isGreaterThan(seen.get(1).offset());
        }
    }

    @Test
    void restartReplaysTheLog() throws Exception {
        QuorumSettings settings = QuorumFixture.settings(dir, 1, Map.of());
        MetadataImage before;
        try (MetadataQuorum quorum = QuorumFixture.start(settings, 10_000)) {
            quorum.controller().registerBroker(broker(1)).get(5, TimeUnit.SECONDS);
            quorum.controller().allocateProducerIds(1, 500).get(5, TimeUnit.SECONDS);
            before = quorum.image();
        }
        try (MetadataQuorum quorum = QuorumFixture.start(settings, 10_000)) {
            assertSameState(quorum.image(), before);
            assertThat(quorum.controller().allocateProducerIds(1, 500).get(5, TimeUnit.SECONDS)).isEqualTo(500);
        }
    }

    static void assertSameState(MetadataImage actual, MetadataImage expected) {
        assertThat(actual.clusterId()).isEqualTo(expected.clusterId());
        assertThat(actual.brokers()).isEqualTo(expected.brokers());
        assertThat(actual.topicsByName()).isEqualTo(expected.topicsByName());
        assertThat(actual.topicsById()).isEqualTo(expected.topicsById());
        assertThat(actual.configs()).isEqualTo(expected.configs());
        assertThat(actual.nextProducerId()).isEqualTo(expected.nextProducerId());
    }
}
