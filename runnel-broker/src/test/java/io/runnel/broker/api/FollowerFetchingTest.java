package io.runnel.broker.api;

import io.runnel.broker.fetch.ReadReplicaSelector;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.replica.RackAwareReplicaSelector;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.runnel.broker.api.BrokerOneFixture.EPOCH;
import static io.runnel.broker.api.BrokerOneFixture.FOLLOWED;
import static io.runnel.broker.api.BrokerOneFixture.LED;
import static io.runnel.broker.api.BrokerOneFixture.TOPIC_ID;
import static io.runnel.broker.api.BrokerOneFixture.context;
import static io.runnel.broker.api.BrokerOneFixture.overTheWire;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * KIP-392: with a replica selector the leader sends a v11+ consumer to an in-sync follower of its
 * rack (preferredReadReplica, no records); a follower serves v11+ consumers up to its own high
 * watermark, never above it.
 */
class FollowerFetchingTest {
    private static final int CONSUMER = -1;

    @TempDir
    Path dir;
    private BrokerOneFixture broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private void start(ReadReplicaSelector selector) {
        broker = new BrokerOneFixture(dir, selector);
    }

    private static ReadReplicaSelector rackAware() {
        return new ReadReplicaSelector(new RackAwareReplicaSelector());
    }

    @Test
    void theLeaderSendsAConsumerToAnInSyncFollowerInItsRack() {
        start(rackAware());
        broker.appendBatches(LED, 3);
        broker.partition(LED).updateFollowerFetchState(2, 3);
        broker.partition(LED).updateFollowerFetchState(3, 3);

        FetchResponseData.PartitionData sent = fetch(LED, CONSUMER, "r2", 0, 17);
        assertThat(sent.preferredReadReplica()).isEqualTo(2);
        assertThat(sent.records().sizeInBytes()).as("no records with a preferred replica").isZero();
        assertThat(sent.highWatermark()).isEqualTo(3);
        assertThat(fetch(LED, CONSUMER, "r3", 0, 17).preferredReadReplica()).isEqualTo(3);

        FetchResponseData.PartitionData local = fetch(LED, CONSUMER, "r1", 0, 17);
        assertThat(local.preferredReadReplica()).as("the leader's own rack").isEqualTo(-1);
        assertThat(offsets(local)).containsExactly(0L, 1L, 2L);
        assertThat(fetch(LED, CONSUMER, "", 0, 17).preferredReadReplica()).as("no client.rack").isEqualTo(-1);
        assertThat(fetch(LED, 2, "r2", 0, 17).preferredReadReplica()).as("replication is never redirected").isEqualTo(-1);
        assertThat(fetch(LED, CONSUMER, "r2", 0, 10).preferredReadReplica()).as("v10 has no rack").isEqualTo(-1);
    }

    @Test
    void aFollowerOutOfTheIsrOrBehindTheFetchOffsetIsNotChosen() {
        start(rackAware());
        broker.appendBatches(LED, 3);
        broker.partition(LED).updateFollowerFetchState(2, 1);

        assertThat(fetch(LED, CONSUMER, "r2", 1, 17).preferredReadReplica()).isEqualTo(2);
        assertThat(fetch(LED, CONSUMER, "r2", 2, 17).preferredReadReplica()).as("broker 2 ends at 1").isEqualTo(-1);
        assertThat(fetch(LED, CONSUMER, "r3", 0, 17).preferredReadReplica()).as("broker 3 never fetched").isEqualTo(-1);
    }

    @Test
    void withoutASelectorTheLeaderServesEveryConsumer() {
        start(ReadReplicaSelector.NONE);
        broker.appendBatches(LED, 3);
        broker.partition(LED).updateFollowerFetchState(2, 3);
        broker.partition(LED).updateFollowerFetchState(3, 3);

        FetchResponseData.PartitionData data = fetch(LED, CONSUMER, "r2", 0, 17);
        assertThat(data.preferredReadReplica()).isEqualTo(-1);
        assertThat(offsets(data)).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aFollowerServesConsumersUpToItsHighWatermark() {
        start(ReadReplicaSelector.NONE);
        broker.appendBatches(FOLLOWED, 3);
        broker.partition(FOLLOWED).updateFollowerHighWatermark(2);

        FetchResponseData.PartitionData below = fetch(FOLLOWED, CONSUMER, "r1", 0, 17);
        assertThat(Errors.forCode(below.errorCode())).isEqualTo(Errors.NONE);
        assertThat(offsets(below)).as("offset 2 is above the follower's high watermark").containsExactly(0L, 1L);
        assertThat(below.highWatermark()).isEqualTo(2);

        FetchResponseData.PartitionData atHighWatermark = fetch(FOLLOWED, CONSUMER, "r1", 2, 17);
        assertThat(Errors.forCode(atHighWatermark.errorCode())).isEqualTo(Errors.NONE);
        assertThat(atHighWatermark.records().sizeInBytes()).isZero();
        assertThat(Errors.forCode(fetch(FOLLOWED, CONSUMER, "r1", 4, 17).errorCode())).as("above its log end offset")
                .isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        assertThat(Errors.forCode(fetch(FOLLOWED, CONSUMER, "r1", 0, 10).errorCode())).as("v10 needs the leader")
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void aConsumerFetchParkedOnAFollowerCompletesWhenItsHighWatermarkMoves() {
        start(ReadReplicaSelector.NONE);
        broker.appendBatches(FOLLOWED, 3);
        broker.partition(FOLLOWED).updateFollowerHighWatermark(2);

        CompletableFuture<ApiMessage> parked = broker.fetch.handle(context(ApiKeys.FETCH, 17),
                request(FOLLOWED, CONSUMER, "r1", 2, 30_000));
        assertThat(parked).isNotDone();
        broker.partition(FOLLOWED).updateFollowerHighWatermark(3);
        assertThat(offsets(partition(overTheWire(ApiKeys.FETCH, parked, 17)))).containsExactly(2L);
    }

    @Test
    void aPreferredReplicaAnswerDoesNotWait() {
        start(rackAware());
        broker.appendBatches(LED, 1);
        broker.partition(LED).updateFollowerFetchState(2, 1);
        CompletableFuture<ApiMessage> answer = broker.fetch.handle(context(ApiKeys.FETCH, 17),
                request(LED, CONSUMER, "r2", 1, 30_000));
        assertThat(answer).isDone();
        assertThat(partition(overTheWire(ApiKeys.FETCH, answer, 17)).preferredReadReplica()).isEqualTo(2);
    }

    private FetchResponseData.PartitionData fetch(TopicPartition tp, int replicaId, String rack, long offset, int version) {
        return partition(BrokerOneFixture.call(broker.fetch, request(tp, replicaId, rack, offset, 0), version));
    }

    private static FetchRequestData request(TopicPartition tp, int replicaId, String rack, long offset, int maxWaitMs) {
        return new FetchRequestData().setMaxWaitMs(maxWaitMs).setMinBytes(1).setMaxBytes(1 << 20).setRackId(rack)
                .setReplicaId(replicaId).setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(replicaId))
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(tp.topic()).setTopicId(TOPIC_ID)
                        .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(tp.partition())
                                .setCurrentLeaderEpoch(EPOCH).setFetchOffset(offset).setPartitionMaxBytes(1 << 20)))));
    }

    private static FetchResponseData.PartitionData partition(org.apache.kafka.common.requests.AbstractResponse response) {
        return ((FetchResponse) response).data().responses().get(0).partitions().get(0);
    }

    private static List<Long> offsets(FetchResponseData.PartitionData data) {
        List<Long> out = new ArrayList<>();
        for (Record record : ((Records) data.records()).records()) {
            out.add(record.offset());
        }
        return out;
    }
}
