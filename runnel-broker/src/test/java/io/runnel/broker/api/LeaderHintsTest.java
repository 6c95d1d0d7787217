package io.runnel.broker.api;

import io.runnel.broker.fetch.ReadReplicaSelector;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceResponse;
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
import static org.assertj.core.api.Assertions.tuple;

/**
 * KIP-951: Produce (v10+) and Fetch (v16+) answers to NOT_LEADER_OR_FOLLOWER and (Fetch)
 * FENCED_LEADER_EPOCH carry the current leader and epoch per partition and the leaders'
 * endpoints on the request's listener, decoded as a client decodes them.
 */
class LeaderHintsTest {
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
    void produceToAFollowerOrANonReplicaNamesTheLeaderAndItsEndpoint() {
        ProduceResponseData response = ((ProduceResponse) call(broker.produce,
                produce(FOLLOWED, NOT_HOSTED, LED), 12)).data();
        List<ProduceResponseData.PartitionProduceResponse> partitions =
                response.responses().iterator().next().partitionResponses();
        assertThat(partitions).extracting(p -> p.index(), p -> Errors.forCode(p.errorCode()),
                        p -> p.currentLeader().leaderId(), p -> p.currentLeader().leaderEpoch())
                .containsExactly(
                        tuple(1, Errors.NOT_LEADER_OR_FOLLOWER, 2, EPOCH),
                        tuple(2, Errors.NOT_LEADER_OR_FOLLOWER, 3, EPOCH),
                        tuple(0, Errors.NONE, -1, -1));
        assertThat(response.nodeEndpoints()).extracting(e -> e.nodeId(), e -> e.host(), e -> e.port(), e -> e.rack())
                .containsExactlyInAnyOrder(tuple(2, "127.0.0.1", 9002, "r2"), tuple(3, "127.0.0.1", 9003, "r3"));
    }

    @Test
    void produceBeforeV10HasNoHints() {
        ProduceResponseData response = ((ProduceResponse) call(broker.produce, produce(FOLLOWED), 9)).data();
        ProduceResponseData.PartitionProduceResponse p = response.responses().iterator().next().partitionResponses().get(0);
        assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(p.currentLeader().leaderId()).isEqualTo(-1);
        assertThat(response.nodeEndpoints()).isEmpty();
    }

    @Test
    void fetchAnswersToNotLeaderAndFencedEpochNameTheLeaderAndItsEndpoint() {
        FetchResponseData response = ((FetchResponse) call(broker.fetch, followerFetch(
                fetchPartition(FOLLOWED, EPOCH), fetchPartition(LED, EPOCH - 1), fetchPartition(NOT_HOSTED, EPOCH),
                fetchPartition(LED, EPOCH + 1)), 17)).data();
        assertThat(response.responses().get(0).partitions()).extracting(p -> p.partitionIndex(),
                        p -> Errors.forCode(p.errorCode()), p -> p.currentLeader().leaderId(), p -> p.currentLeader().leaderEpoch())
                .containsExactly(
                        tuple(1, Errors.NOT_LEADER_OR_FOLLOWER, 2, EPOCH),
                        tuple(0, Errors.FENCED_LEADER_EPOCH, 1, EPOCH),
                        tuple(2, Errors.NOT_LEADER_OR_FOLLOWER, 3, EPOCH),
                        tuple(0, Errors.UNKNOWN_LEADER_EPOCH, -1, -1));
        assertThat(response.nodeEndpoints()).extracting(e -> e.nodeId(), e -> e.host(), e -> e.port(), e -> e.rack())
                .containsExactlyInAnyOrder(tuple(1, "127.0.0.1", 9001, "r1"), tuple(2, "127.0.0.1", 9002, "r2"),
                        tuple(3, "127.0.0.1", 9003, "r3"));
    }

    @Test
    void fetchBeforeV16HasNoEndpoints() {
        FetchResponseData response = ((FetchResponse) call(broker.fetch,
                followerFetch(fetchPartition(FOLLOWED, EPOCH)), 15)).data();
        FetchResponseData.PartitionData p = response.responses().get(0).partitions().get(0);
        assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(response.nodeEndpoints()).isEmpty();
    }

    private static ProduceRequestData produce(TopicPartition... partitions) {
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("t").setTopicId(TOPIC_ID);
        for (TopicPartition tp : partitions) {
            topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(tp.partition())
                    .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()))));
        }
        ProduceRequestData request = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000);
        request.topicData().add(topic);
        return request;
    }

    private static FetchRequestData.FetchPartition fetchPartition(TopicPartition tp, int currentLeaderEpoch) {
        return new FetchRequestData.FetchPartition().setPartition(tp.partition()).setCurrentLeaderEpoch(currentLeaderEpoch)
                .setPartitionMaxBytes(1 << 20);
    }

    private static FetchRequestData followerFetch(FetchRequestData.FetchPartition... partitions) {
        return new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                .setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(2))
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopicId(TOPIC_ID).setPartitions(List.of(partitions))));
    }
}
