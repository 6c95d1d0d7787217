package io.runnel.metadata.controller;

import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.record.BrokerFencingRecord;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.TopicRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Election and ISR rules when brokers 0-3 are fenced and unfenced; topic "t" holds the partitions each test gives. */
class PartitionLeadershipTest {
    private static final Uuid TOPIC = Uuid.randomUuid();

    private final PartitionLeadership leadership = new PartitionLeadership(new TopicConfigs(Map.of()));
    private MetadataImage image;

    private void partitions(PartitionRegistration... partitions) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new TopicRecord("t", TOPIC));
        for (int p = 0; p < partitions.length; p++) {
            PartitionRegistration r = partitions[p];
            records.add(new PartitionRecord(TOPIC, p, r.replicas(), r.isr(), r.leader(), r.leaderEpoch(),
                    r.partitionEpoch()));
        }
        image = Images.apply(Images.withBrokers(4), records);
    }

    private static PartitionRegistration partition(List<Integer> replicas, List<Integer> isr, int leader) {
        return new PartitionRegistration(replicas, isr, leader, 5, 10);
    }

    /** Fences {@code broker} and replays the changes; returns them. */
    private List<PartitionChangeRecord> fence(int broker) {
        image = Images.apply(image, List.of(new BrokerFencingRecord(broker, image.brokers().get(broker).incarnationId(), true)));
        List<PartitionChangeRecord> changes = leadership.afterFencing(image, broker);
        image = Images.apply(image, List.copyOf(changes));
        return changes;
    }

    private List<PartitionChangeRecord> unfence(int broker) {
        image = Images.apply(image, List.of(new BrokerFencingRecord(broker, image.brokers().get(broker).incarnationId(), false)));
        List<PartitionChangeRecord> changes = leadership.afterUnfencing(image, broker);
        image = Images.apply(image, List.copyOf(changes));
        return changes;
    }

    private PartitionRegistration p(int partition) {
        return image.topicsById().get(TOPIC).partitions().get(partition);
    }

    @Test
    void aFencedLeaderIsReplacedByTheFirstLiveIsrReplicaInReplicaOrder() {
        partitions(partition(List.of(0, 1, 2), List.of(0, 1, 2), 1),
                partition(List.of(3, 2, 1), List.of(1, 2), 2),
                partition(List.of(2, 3), List.of(2, 3), 3));
        assertThat(fence(1)).containsExactlyInAnyOrder(
                new PartitionChangeRecord(TOPIC, 0, List.of(0, 2), 0, 6, 11),
                new PartitionChangeRecord(TOPIC, 1, List.of(2), 2, 5, 11));
        assertThat(p(2)).as("untouched").isEqualTo(partition(List.of(2, 3), List.of(2, 3), 3));

        assertThat(fence(3)).containsExactly(new PartitionChangeRecord(TOPIC, 2, List.of(2), 2, 6, 11));
    }

    @Test
    void aLiveLeaderKeepsItsEpochWhenAFollowerLeavesTheIsr() {
        partitions(partition(List.of(0, 1, 2), List.of(0, 1, 2), 0));
        assertThat(fence(2)).containsExactly(new PartitionChangeRecord(TOPIC, 0, List.of(0, 1), 0, 5, 11));
        assertThat(unfence(2)).as("rejoining the ISR is the leader's AlterPartition, not the controller's").isEmpty();
    }

    @Test
    void theLastIsrMemberBecomesAnEligibleLeaderAndLeadsAgainWhenItReturns() {
        partitions(partition(List.of(0, 1), List.of(0, 1), 0));
        fence(1);
        assertThat(p(0)).isEqualTo(new PartitionRegistration(List.of(0, 1), List.of(0), 0, 5, 11));

        assertThat(fence(0)).as("min ISR 1: the ISR empties, 0 is eligible and the last known leader")
                .containsExactly(new PartitionChangeRecord(TOPIC, 0, List.of(), -1, 6, 12, List.of(0), List.of(0)));
        assertThat(unfence(1)).as("1 may lack committed records: no clean election").isEmpty();
        assertThat(p(0).leader()).isEqualTo(-1);

        assertThat(unfence(0)).containsExactly(new PartitionChangeRecord(TOPIC, 0, List.of(0), 0, 7, 13));
    }

    @Test
    void aLeaderlessPartitionElectsThePreferredReplicaWhenSeveralIsrMembersReturn() {
        partitions(partition(List.of(2, 1, 0), List.of(2, 1), -1));
        image = Images.apply(image, List.of(new BrokerFencingRecord(1, image.brokers().get(1).incarnationId(), true),
                new BrokerFencingRecord(2, image.brokers().get(2).incarnationId(), true)));
        assertThat(unfence(1)).as("the only live ISR member").containsExactly(
                new PartitionChangeRecord(TOPIC, 0, List.of(2, 1), 1, 6, 11));

        partitions(partition(List.of(2, 1, 0), List.of(2, 1), -1));
        assertThat(leadership.afterUnfencing(image, 1)).as("both ISR members are live: the first one in replica order")
                .containsExactly(new PartitionChangeRecord(TOPIC, 0, List.of(2, 1), 2, 6, 11));
    }

    @Test
    void uncleanElectionPicksTheFirstLiveReplicaAndResetsTheIsr() {
        partitions(partition(List.of(0, 1, 2), List.of(0), 0));
        image = Images.apply(image, List.of(new ConfigRecord(ConfigResource.Type.TOPIC, "t",
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "true")));
        assertThat(fence(0)).containsExactly(new PartitionChangeRecord(TOPIC, 0, List.of(1), 1, 6, 11));
    }

    @Test
    void uncleanElectionFollowsTheBrokerDefaultAndStillPrefersTheIsr() {
        PartitionLeadership unclean = new PartitionLeadership(new TopicConfigs(
                Map.of(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, true)));
        partitions(partition(List.of(0, 1, 2), List.of(0, 2), 0));
        image = Images.apply(image, List.of(new BrokerFencingRecord(0, image.brokers().get(0).incarnationId(), true)));
        assertThat(unclean.afterFencing(image, 0)).containsExactly(new PartitionChangeRecord(TOPIC, 0, List.of(2), 2, 6, 11));

        partitions(partition(List.of(0, 1, 2), List.of(0, 1, 2), -1));
        image = Images.apply(image, List.of(
                new BrokerFencingRecord(0, image.brokers().get(0).incarnationId(), true),
                new BrokerFencingRecord(1, image.brokers().get(1).incarnationId(), true),
                new BrokerFencingRecord(2, image.brokers().get(2).incarnationId(), true),
                new BrokerFencingRecord(3, image.brokers().get(3).incarnationId(), true)));
        assertThat(unclean.afterUnfencing(image, 3)).as("3 is no replica").isEmpty();
    }

    @Test
    void preferredElectionsReturnLeadershipToLiveInSyncPreferredReplicas() {
        partitions(partition(List.of(0, 1), List.of(0, 1), 1),
                partition(List.of(2, 1), List.of(1), 1),
                partition(List.of(3, 1), List.of(3, 1), 1),
                partition(List.of(1, 0), List.of(1, 0), 1));
        image = Images.apply(image, List.of(new BrokerFencingRecord(3, image.brokers().get(3).incarnationId(), true)));
        assertThat(leadership.preferredLeaderElections(image, 10)).as("2 is out of the ISR, 3 fenced, 1 preferred")
                .containsExactly(new PartitionChangeRecord(TOPIC, 0, List.of(0, 1), 0, 6, 11));
        assertThat(leadership.preferredLeaderElections(image, 0)).isEmpty();
    }

    @Test
    void uncleanElectionsReachLeaderlessPartitionsOnceTheTopicAllowsThem() {
        partitions(partition(List.of(0, 1), List.of(0), -1), partition(List.of(1, 2), List.of(1, 2), 1));
        image = Images.apply(image, List.of(new BrokerFencingRecord(0, image.brokers().get(0).incarnationId(), true)));
        assertThat(leadership.uncleanElections(image, 10)).isEmpty();
        image = Images.apply(image, List.of(new ConfigRecord(ConfigResource.Type.TOPIC, "t",
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "true")));
        assertThat(leadership.uncleanElections(image, 10))
                .containsExactly(new PartitionChangeRecord(TOPIC, 0, List.of(1), 1, 6, 11));
    }
}
