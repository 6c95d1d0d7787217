package io.runnel.metadata.controller;

import io.runnel.metadata.Images;
import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.PartitionRegistration;
import io.runnel.metadata.QuorumSettings;
import io.runnel.metadata.record.BrokerFencingRecord;
import io.runnel.metadata.record.PartitionChangeRecord;
import io.runnel.metadata.record.RegisterBrokerRecord;
import io.runnel.testkit.ManualTime;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** AlterPartition's checks and epochs; partition "a"-0 has replicas [0, 1, 2], leader 0, epochs 0. */
class IsrAlterationTest {
    private final PartitionLeadership leadership = new PartitionLeadership(new TopicConfigs(Map.of()));
    private final MetadataImage image = Images.apply(Images.withTopic(Images.withBrokers(3), "a", 1, 3),
            List.of(new RegisterBrokerRecord(Images.broker(3))));
    private final Uuid topicId = image.topicsByName().get("a").id();

    private AlterPartitionRequestData request(int sender, int leaderEpoch, int partitionEpoch, Integer... isr) {
        return request(sender, topicId, 0, leaderEpoch, partitionEpoch, isr);
    }

    private static AlterPartitionRequestData request(int sender, Uuid topic, int partition, int leaderEpoch,
                                                     int partitionEpoch, Integer... isr) {
        AlterPartitionRequestData.PartitionData data = new AlterPartitionRequestData.PartitionData()
                .setPartitionIndex(partition).setLeaderEpoch(leaderEpoch).setPartitionEpoch(partitionEpoch)
                .setNewIsrWithEpochs(List.of(isr).stream().map(id -> new AlterPartitionRequestData.BrokerState()
                        .setBrokerId(id).setBrokerEpoch(-1)).toList());
        AlterPartitionRequestData request = new AlterPartitionRequestData().setBrokerId(sender).setBrokerEpoch(-1);
        request.topics().add(new AlterPartitionRequestData.TopicData().setTopicId(topic).setPartitions(List.of(data)));
        return request;
    }

    private static AlterPartitionResponseData.PartitionData only(ControllerResult<AlterPartitionResponseData> result) {
        return result.response().topics().get(0).partitions().get(0);
    }

    private Errors error(MetadataImage image, AlterPartitionRequestData request) {
        ControllerResult<AlterPartitionResponseData> result = IsrAlteration.alterPartition(image, request, leadership);
        if (!result.records().isEmpty()) {
            throw new AssertionError("a refused request wrote " + result.records());
        }
        return Errors.forCode(only(result).errorCode());
    }

    @Test
    void aShrinkAndAnExpansionBumpOnlyThePartitionEpoch() {
        ControllerResult<AlterPartitionResponseData> shrink = IsrAlteration.alterPartition(image, request(0, 0, 0, 0, 1), leadership);
        assertThat(shrink.records()).containsExactly(new PartitionChangeRecord(topicId, 0, List.of(0, 1), 0, 0, 1));
        assertThat(only(shrink)).isEqualTo(new AlterPartitionResponseData.PartitionData().setPartitionIndex(0)
                .setLeaderId(0).setLeaderEpoch(0).setIsr(List.of(0, 1)).setPartitionEpoch(1));
        MetadataImage shrunk = Images.apply(image, shrink.records());
        assertThat(shrunk.topicsByName().get("a").partitions().get(0))
                .isEqualTo(new PartitionRegistration(List.of(0, 1, 2), List.of(0, 1), 0, 0, 1));

        ControllerResult<AlterPartitionResponseData> expand = IsrAlteration.alterPartition(shrunk,
                request(0, 0, 1, 0, 1, 2), leadership);
        assertThat(expand.records()).containsExactly(new PartitionChangeRecord(topicId, 0, List.of(0, 1, 2), 0, 0, 2));
    }

    @Test
    void anUnchangedIsrWritesNothingAndAnswersTheCurrentState() {
        ControllerResult<AlterPartitionResponseData> same = IsrAlteration.alterPartition(image, request(0, 0, 0, 0, 1, 2), leadership);
        assertThat(same.records()).isEmpty();
        assertThat(only(same).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(only(same).isr()).containsExactly(0, 1, 2);
        assertThat(only(same).partitionEpoch()).isZero();
    }

    @Test
    void staleAndNewerEpochsAreRefused() {
        MetadataImage moved = Images.apply(image, List.of(new PartitionChangeRecord(topicId, 0, List.of(0, 1, 2), 0, 2, 3)));
        assertThat(error(moved, request(0, 1, 3, 0, 1))).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(error(moved, request(0, 2, 2, 0, 1))).isEqualTo(Errors.INVALID_UPDATE_VERSION);
        assertThat(error(moved, request(0, 3, 3, 0, 1))).as("the sender knows a newer controller")
                .isEqualTo(Errors.NOT_CONTROLLER);
        assertThat(error(moved, request(0, 2, 4, 0, 1))).isEqualTo(Errors.NOT_CONTROLLER);
    }

    @Test
    void onlyTheLeaderMayChangeTheIsrAndItMustStayInIt() {
        assertThat(error(image, request(1, 0, 0, 0, 1))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(error(image, request(0, 0, 0, 1, 2))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(error(image, request(0, 0, 0, 0, 1, 1))).isEqualTo(Errors.INVALID_REQUEST);
    }

    @Test
    void fencedUnregisteredAndNonReplicaBrokersAreIneligible() {
        MetadataImage fenced = Images.apply(image, List.of(
                new BrokerFencingRecord(2, image.brokers().get(2).incarnationId(), true)));
        assertThat(error(fenced, request(0, 0, 0, 0, 2))).isEqualTo(Errors.INELIGIBLE_REPLICA);
        assertThat(error(image, request(0, 0, 0, 0, 3))).as("registered, not a replica").isEqualTo(Errors.INELIGIBLE_REPLICA);
        assertThat(error(image, request(0, 0, 0, 0, 9))).isEqualTo(Errors.INELIGIBLE_REPLICA);
    }

    @Test
    void unknownTopicsPartitionsAndSendersAreRefused() {
        assertThat(error(image, request(0, Uuid.randomUuid(), 0, 0, 0, 0))).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
        assertThat(error(image, request(0, topicId, 5, 0, 0, 0))).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        ControllerResult<AlterPartitionResponseData> stranger = IsrAlteration.alterPartition(image, request(7, 0, 0, 0), leadership);
        assertThat(stranger.records()).isEmpty();
        assertThat(stranger.response().errorCode()).isEqualTo(Errors.STALE_BROKER_EPOCH.code());
    }

    @Test
    void theSecondOfTwoRacingChangesSeesTheFirstOnTheControllerThread() throws Exception {
        FakeLog log = new FakeLog(image, false);
        QuorumSettings settings = new QuorumSettings(0, Map.of(), Path.of("unused"), List.of(), 1, (short) 1,
                Map.of(), 9000);
        try (QuorumController controller = new QuorumController(settings, log, log::committed, new Random(0),
                new ManualTime())) {
            controller.becomeActive(-1);
            CompletableFuture<AlterPartitionResponseData> first = controller.alterPartition(request(0, 0, 0, 0, 1));
            CompletableFuture<AlterPartitionResponseData> second = controller.alterPartition(request(0, 0, 0, 0, 2));
            await().atMost(5, TimeUnit.SECONDS).until(() -> log.pendingCount() == 1);
            assertThat(first).isNotDone();
            log.commitAll();
            assertThat(first.get(5, TimeUnit.SECONDS).topics().get(0).partitions().get(0).partitionEpoch()).isEqualTo(1);
            assertThat(second.get(5, TimeUnit.SECONDS).topics().get(0).partitions().get(0).errorCode())
                    .isEqualTo(Errors.INVALID_UPDATE_VERSION.code());
            assertThat(log.committed().topicsByName().get("a").partitions().get(0).isr()).containsExactly(0, 1);
        }
    }
}
