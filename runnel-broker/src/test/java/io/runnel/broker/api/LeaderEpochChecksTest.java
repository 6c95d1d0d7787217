package io.runnel.broker.api;

import io.runnel.broker.fetch.ReadReplicaSelector;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.runnel.broker.api.BrokerOneFixture.EPOCH;
import static io.runnel.broker.api.BrokerOneFixture.FOLLOWED;
import static io.runnel.broker.api.BrokerOneFixture.LED;
import static io.runnel.broker.api.BrokerOneFixture.NOT_HOSTED;
import static io.runnel.broker.api.BrokerOneFixture.TOPIC_ID;
import static io.runnel.broker.api.BrokerOneFixture.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every request that carries a current leader epoch checks it as Kafka's
 * {@code Partition.checkCurrentLeaderEpoch} does, before leadership: older than the replica's
 * epoch is FENCED_LEADER_EPOCH, newer UNKNOWN_LEADER_EPOCH, -1 skips the check.
 */
class LeaderEpochChecksTest {
    private static final int CONSUMER = -1;
    private static final int FOLLOWER = 2;

    @TempDir
    Path dir;
    private BrokerOneFixture broker;

    @BeforeEach
    void start() {
        broker = new BrokerOneFixture(dir, ReadReplicaSelector.NONE);
        broker.appendBatches(LED, 2);
        broker.partition(LED).log().updateHighWatermark(2);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void consumerFetch() {
        assertThat(fetch(LED, CONSUMER, EPOCH - 1)).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(fetch(LED, CONSUMER, EPOCH + 1)).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(fetch(LED, CONSUMER, EPOCH)).isEqualTo(Errors.NONE);
        assertThat(fetch(LED, CONSUMER, -1)).isEqualTo(Errors.NONE);
        assertThat(fetch(FOLLOWED, CONSUMER, EPOCH - 1)).as("checked on a follower too").isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(fetch(FOLLOWED, CONSUMER, EPOCH + 1)).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
    }

    @Test
    void followerFetch() {
        assertThat(fetch(LED, FOLLOWER, EPOCH - 1)).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(fetch(LED, FOLLOWER, EPOCH + 1)).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(fetch(LED, FOLLOWER, EPOCH)).isEqualTo(Errors.NONE);
        assertThat(fetch(LED, FOLLOWER, -1)).isEqualTo(Errors.NONE);
        assertThat(fetch(FOLLOWED, FOLLOWER, EPOCH - 1)).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(fetch(FOLLOWED, FOLLOWER, EPOCH)).as("replication needs the leader").isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(fetch(NOT_HOSTED, FOLLOWER, EPOCH)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void listOffsets() {
        assertThat(listOffsets(LED, EPOCH - 1)).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(listOffsets(LED, EPOCH + 1)).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(listOffsets(LED, EPOCH)).isEqualTo(Errors.NONE);
        assertThat(listOffsets(LED, -1)).isEqualTo(Errors.NONE);
        assertThat(listOffsets(FOLLOWED, EPOCH - 1)).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(listOffsets(FOLLOWED, EPOCH)).as("only the leader lists offsets").isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(listOffsets(NOT_HOSTED, EPOCH)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(listOffsets(new TopicPartition("t", 9), EPOCH)).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void offsetForLeaderEpoch() {
        assertThat(offsetForLeaderEpoch(LED, EPOCH - 1)).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(offsetForLeaderEpoch(LED, EPOCH + 1)).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(offsetForLeaderEpoch(LED, EPOCH)).isEqualTo(Errors.NONE);
        assertThat(offsetForLeaderEpoch(LED, -1)).isEqualTo(Errors.NONE);
        assertThat(offsetForLeaderEpoch(FOLLOWED, EPOCH - 1)).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(offsetForLeaderEpoch(FOLLOWED, EPOCH)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(offsetForLeaderEpoch(NOT_HOSTED, EPOCH)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    private Errors fetch(TopicPartition tp, int replicaId, int currentLeaderEpoch) {
        FetchRequestData request = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                .setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(replicaId))
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopicId(TOPIC_ID).setPartitions(List.of(
                        new FetchRequestData.FetchPartition().setPartition(tp.partition())
                                .setCurrentLeaderEpoch(currentLeaderEpoch).setPartitionMaxBytes(1 << 20)))));
        FetchResponse response = (FetchResponse) call(broker.fetch, request, 17);
        return Errors.forCode(response.data().responses().get(0).partitions().get(0).errorCode());
    }

    private Errors listOffsets(TopicPartition tp, int currentLeaderEpoch) {
        ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                new ListOffsetsRequestData.ListOffsetsTopic().setName(tp.topic()).setPartitions(List.of(
                        new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(tp.partition())
                                .setCurrentLeaderEpoch(currentLeaderEpoch)
                                .setTimestamp(ListOffsetsRequest.LATEST_TIMESTAMP)))));
        ListOffsetsResponse response = (ListOffsetsResponse) call(broker.listOffsets, request, 9);
        return Errors.forCode(response.data().topics().get(0).partitions().get(0).errorCode());
    }

    private Errors offsetForLeaderEpoch(TopicPartition tp, int currentLeaderEpoch) {
        OffsetForLeaderEpochRequestData request = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        request.topics().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(tp.topic())
                .setPartitions(List.of(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                        .setPartition(tp.partition()).setCurrentLeaderEpoch(currentLeaderEpoch).setLeaderEpoch(EPOCH))));
        OffsetsForLeaderEpochResponse response = (OffsetsForLeaderEpochResponse) call(broker.offsetForLeaderEpoch, request, 4);
        return Errors.forCode(response.data().topics().iterator().next().partitions().get(0).errorCode());
    }
}
