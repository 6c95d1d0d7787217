package io.runnel.metadata.controller;

import io.runnel.metadata.BrokerRegistration;
import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.record.BrokerFencingRecord;
import io.runnel.metadata.record.ConfigRecord;
import io.runnel.metadata.record.MetadataRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.metadata.record.PartitionRecord;
import io.runnel.metadata.record.TopicRecord;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * KIP-966 eligible leader replicas on images: topic "t" has one partition, replicas 0, 1, 2,
 * leader 0, and the {@code min.insync.replicas} each test sets; brokers 0-3 start unfenced.
 */
class EligibleLeaderReplicasTest {
    private static final Uuid TOPIC = Uuid.randomUuid();

    private final PartitionLeadership leadership = new PartitionLeadership(new TopicConfigs(Map.of()));
    private MetadataImage image;

    private void topic(int minIsr, List<Integer> isr) {
        image = Images.apply(Images.withBrokers(4), List.of(new TopicRecord("t", TOPIC),
                new PartitionRecord(TOPIC, 0, List.of(0, 1, 2), isr, isr.isEmpty() ? -1 : isr.get(0), 0, 0),
                new ConfigRecord(ConfigResource.Type.TOPIC, "t", TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                        String.valueOf(minIsr))));
    }

    private PartitionRegistration partition() {
        return image.topicsById().get(TOPIC).partitions().get(0);
    }

    private void apply(List<? extends MetadataRecord> records) {
        image = Images.apply(image, List.copyOf(records));
    }

    /** The leader's AlterPartition to {@code isr}; replays its records and returns the answer's error. */
    private Errors alterIsr(Integer... isr) {
        PartitionRegistration p = partition();
        AlterPartitionRequestData.PartitionData data = new AlterPartitionRequestData.PartitionData()
                .setPartitionIndex(0).setLeaderEpoch(p.leaderEpoch()).setPartitionEpoch(p.partitionEpoch())
                .setNewIsrWithEpochs(List.of(isr).stream().map(id -> new AlterPartitionRequestData.BrokerState()
                        .setBrokerId(id).setBrokerEpoch(-1)).toList());
        AlterPartitionRequestData request = new AlterPartitionRequestData().setBrokerId(p.leader()).setBrokerEpoch(-1);
        request.topics().add(new AlterPartitionRequestData.TopicData().setTopicId(TOPIC).setPartitions(List.of(data)));
        ControllerResult<AlterPartitionResponseData> result = IsrAlteration.alterPartition(image, request, leadership);
        apply(result.records());
        return Errors.forCode(result.response().topics().get(0).partitions().get(0).errorCode());
    }

    private void fence(int broker) {
        apply(List.of(new BrokerFencingRecord(broker, image.brokers().get(broker).incarnationId(), true)));
        apply(leadership.afterFencing(image, broker));
    }

    private void unfence(int broker) {
        apply(List.of(new BrokerFencingRecord(broker, image.brokers().get(broker).incarnationId(), false)));
        apply(leadership.afterUnfencing(image, broker));
    }

    /** A new incarnation of {@code broker} registers through the controller's sessions and is unfenced. */
    private void restart(int broker, boolean cleanShutdown) {
        BrokerSessions sessions = new BrokerSessions(new ManualTime(), 10_000, -1, leadership);
        BrokerRegistration restarted = new BrokerRegistration(broker, Uuid.randomUuid(),
                image.brokers().get(broker).endpoints(), null, false);
        ControllerResult<Errors> result = sessions.register(image, restarted, cleanShutdown);
        assertThat(result.response()).isEqualTo(Errors.NONE);
        apply(result.records());
        unfence(broker);
    }

    @Test
    void replicasLeavingAnIsrBelowMinIsrBecomeEligibleUntilTheyRejoinOrTheIsrRecovers() {
        topic(2, List.of(0, 1, 2));
        assertThat(alterIsr(0, 1)).isEqualTo(Errors.NONE);
        assertThat(partition().elr()).as("the ISR is at min ISR: 2 may lack committed records").isEmpty();
        alterIsr(0);
        assertThat(partition().isr()).containsExactly(0);
        assertThat(partition().elr()).containsExactly(1);
        alterIsr(0, 2);
        assertThat(partition().elr()).as("back at min ISR").isEmpty();
        assertThat(partition().lastKnownElr()).isEmpty();

        topic(3, List.of(0, 1, 2));
        alterIsr(0, 1);
        assertThat(partition().elr()).containsExactly(2);
        alterIsr(0);
        assertThat(partition().elr()).containsExactly(1, 2);
        alterIsr(0, 2);
        assertThat(partition().elr()).as("2 rejoined; still below min ISR").containsExactly(1);
        assertThat(partition().isr()).containsExactly(0, 2);
        assertThat(partition().leaderEpoch()).as("ISR changes keep the leader epoch").isZero();
        assertThat(partition().partitionEpoch()).isEqualTo(3);
    }

    @Test
    void minIsrIsCappedAtTheReplicationFactor() {
        topic(5, List.of(0, 1, 2));
        alterIsr(0, 1, 2);
        assertThat(partition().elr()).isEmpty();
        alterIsr(0, 1);
        assertThat(partition().elr()).containsExactly(2);
    }

    @Test
    void theLastReplicaStandingLeadsFromTheElrWhenItReturns() {
        topic(2, List.of(0, 1, 2));
        fence(2);
        assertThat(partition().elr()).isEmpty();
        fence(1);
        assertThat(partition().isr()).containsExactly(0);
        assertThat(partition().elr()).containsExactly(1);
        fence(0);
        assertThat(partition()).isEqualTo(new PartitionRegistration(List.of(0, 1, 2), List.of(), -1, 1, 3,
                List.of(), List.of(), List.of(0, 1), List.of(0)));

        unfence(2);
        assertThat(partition().leader()).as("2 left the ISR at min ISR: it may lack committed records").isEqualTo(-1);
        unfence(1);
        assertThat(partition()).as("a clean election from the ELR; 0 stays eligible")
                .isEqualTo(new PartitionRegistration(List.of(0, 1, 2), List.of(1), 1, 2, 4,
                        List.of(), List.of(), List.of(0), List.of()));
        alterIsr(1, 2);
        assertThat(partition().elr()).isEmpty();
    }

    @Test
    void everyChangeKeepsTheElrItDoesNotChange() {
        topic(3, List.of(1, 0, 2));
        fence(2);
        assertThat(partition().elr()).containsExactly(2);
        PartitionRegistration before = partition();
        List<PartitionChangeRecord> preferred = leadership.preferredLeaderElections(image, 10);
        assertThat(preferred).as("broker 0 leads again").singleElement()
                .satisfies(r -> assertThat(r.leader()).isZero());
        apply(preferred);
        assertThat(partition().elr()).isEqualTo(before.elr());
        assertThat(partition().isr()).isEqualTo(before.isr());
    }

    @Test
    void aBrokerRestartingAfterAnUncleanShutdownLeavesTheElr() {
        topic(2, List.of(0, 1, 2));
        fence(2);
        fence(1);
        fence(0);
        assertThat(partition().elr()).containsExactly(0, 1);

        restart(1, false);
        assertThat(partition().elr()).as("1 may have lost records it acknowledged").containsExactly(0);
        assertThat(partition().leader()).isEqualTo(-1);

        restart(0, true);
        assertThat(partition().leader()).as("a clean restart keeps 0 eligible").isZero();
        assertThat(partition().isr()).containsExactly(0);
        assertThat(partition().elr()).isEmpty();
    }

    @Test
    void theLastKnownLeaderLeadsAgainAfterEveryReplicaStoppedUncleanly() {
        topic(2, List.of(0, 1, 2));
        fence(2);
        fence(1);
        fence(0);
        restart(1, false);
        restart(2, false);
        assertThat(partition().leader()).isEqualTo(-1);
        restart(0, false);
        assertThat(partition()).as("Kafka's balanced recovery: the last known leader, uncleanly")
                .isEqualTo(new PartitionRegistration(List.of(0, 1, 2), List.of(0), 0, 2, 6,
                        List.of(), List.of(), List.of(), List.of()));
    }

    @Test
    void aRegistrationOfTheSameIncarnationOrANewBrokerChangesNoPartition() {
        topic(2, List.of(0, 1, 2));
        fence(2);
        fence(1);
        BrokerSessions sessions = new BrokerSessions(new ManualTime(), 10_000, -1, leadership);
        BrokerRegistration one = image.brokers().get(1);
        assertThat(sessions.register(image, one, false).records()).as("the same process registering again")
                .noneMatch(r -> r instanceof PartitionChangeRecord);
        BrokerRegistration newcomer = new BrokerRegistration(7, Uuid.randomUuid(), one.endpoints(), null, false);
        assertThat(sessions.register(image, newcomer, false).records()).hasSize(1);
    }

    @Test
    void uncleanElectionIsTheLastResort() {
        topic(2, List.of(0, 1, 2));
        apply(List.of(new ConfigRecord(ConfigResource.Type.TOPIC, "t",
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "true")));
        fence(2);
        fence(1);
        fence(0);
        unfence(1);
        assertThat(partition().leader()).as("an eligible replica before any other").isEqualTo(1);
        assertThat(partition().elr()).containsExactly(0);

        fence(1);
        assertThat(partition().elr()).containsExactly(0, 1);
        unfence(2);
        assertThat(partition()).as("no live ISR or ELR member: 2, uncleanly; the ELR is dropped")
                .isEqualTo(new PartitionRegistration(List.of(0, 1, 2), List.of(2), 2, 4, 6,
                        List.of(), List.of(), List.of(), List.of()));
    }

    @Test
    void electLeadersUncleanPrefersAnEligibleReplica() {
        topic(2, List.of(0, 1, 2));
        fence(2);
        fence(1);
        fence(0);
        apply(List.of(new BrokerFencingRecord(1, image.brokers().get(1).incarnationId(), false),
                new BrokerFencingRecord(2, image.brokers().get(2).incarnationId(), false)));
        ElectLeadersRequestData request = new ElectLeadersRequestData().setElectionType(ElectionType.UNCLEAN.value);
        request.topicPartitions().add(new ElectLeadersRequestData.TopicPartitions().setTopic("t")
                .setPartitions(List.of(0)));
        apply(LeaderElections.electLeaders(image, request, leadership).records());
        assertThat(partition().leader()).isEqualTo(1);
        assertThat(partition().isr()).containsExactly(1);
        assertThat(partition().elr()).containsExactly(0);
    }
}
