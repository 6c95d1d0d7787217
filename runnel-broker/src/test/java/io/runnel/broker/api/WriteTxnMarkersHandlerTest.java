package io.runnel.broker.api;

import io.runnel.broker.fetch.ReadReplicaSelector;
import io.runnel.broker.txn.LocalMarkers;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.runnel.broker.api.BrokerOneFixture.FOLLOWED;
import static io.runnel.broker.api.BrokerOneFixture.LED;
import static io.runnel.broker.api.BrokerOneFixture.NOT_HOSTED;
import static org.assertj.core.api.Assertions.assertThat;

/** WriteTxnMarkers on broker 1 ({@link BrokerOneFixture}): leadership checks, and answers only once the ISR has the marker. */
class WriteTxnMarkersHandlerTest {
    @TempDir
    Path dir;
    private BrokerOneFixture broker;

    @BeforeEach
    void start() {
        broker = new BrokerOneFixture(dir, ReadReplicaSelector.NONE);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void aMarkerIsAnsweredOnceEveryInSyncReplicaHasIt() throws Exception {
        CompletableFuture<ApiMessage> answer = handler(30_000).handle(BrokerOneFixture.context(
                ApiKeys.WRITE_TXN_MARKERS, 2), request(LED));
        long markerEnd = broker.partition(LED).log().logEndOffset();
        assertThat(markerEnd).as("the marker is appended at once").isEqualTo(1);
        assertThat(answer).isNotDone();
        broker.partition(LED).updateFollowerFetchState(2, markerEnd);
        assertThat(answer).as("broker 3 is in the ISR and has not fetched it").isNotDone();
        broker.partition(LED).updateFollowerFetchState(3, markerEnd);
        assertThat(errors(answer.get(5, TimeUnit.SECONDS))).containsExactly(Errors.NONE);
    }

    @Test
    void partitionsThisBrokerDoesNotLeadAreAnsweredWithTheirError() throws Exception {
        ApiMessage answer = handler(30_000).handle(BrokerOneFixture.context(
                        ApiKeys.WRITE_TXN_MARKERS, 2),
                request(FOLLOWED, NOT_HOSTED, new TopicPartition("absent", 0))).get(5, TimeUnit.SECONDS);
        assertThat(errors(answer)).containsExactly(Errors.NOT_LEADER_OR_FOLLOWER, Errors.NOT_LEADER_OR_FOLLOWER,
                Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void aMarkerTheIsrDoesNotGetInTimeIsRetriedByTheCoordinator() throws Exception {
        ApiMessage answer = handler(200).handle(BrokerOneFixture.context(
                ApiKeys.WRITE_TXN_MARKERS, 1), request(LED)).get(5, TimeUnit.SECONDS);
        assertThat(errors(answer)).containsExactly(Errors.REQUEST_TIMED_OUT);
    }

    private WriteTxnMarkersHandler handler(long replicationTimeoutMs) {
        return new WriteTxnMarkersHandler(new LocalMarkers(broker.replicas, null, broker.fetches, broker.produces,
                replicationTimeoutMs));
    }

    private static WriteTxnMarkersRequestData request(TopicPartition... partitions) {
        List<WritableTxnMarkerTopic> topics = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            topics.add(new WritableTxnMarkerTopic().setName(tp.topic()).setPartitionIndexes(List.of(tp.partition())));
        }
        return new WriteTxnMarkersRequestData().setMarkers(List.of(new WritableTxnMarker().setProducerId(9)
                .setProducerEpoch((short) 0).setTransactionResult(false).setCoordinatorEpoch(1).setTopics(topics)));
    }

    private static List<Errors> errors(ApiMessage answer) {
        List<Errors> out = new ArrayList<>();
        for (WriteTxnMarkersResponseData.WritableTxnMarkerResult marker : ((WriteTxnMarkersResponseData) answer).markers()) {
            marker.topics().forEach(t -> t.partitions().forEach(p -> out.add(Errors.forCode(p.errorCode()))));
        }
        return out;
    }
}
