package io.runnel.broker.api;

import io.runnel.broker.fetch.ReadReplicaSelector;
import io.runnel.broker.replica.Partition;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.runnel.broker.api.BrokerOneFixture.EPOCH;
import static io.runnel.broker.api.BrokerOneFixture.LED;
import static io.runnel.broker.api.BrokerOneFixture.TOPIC_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * read_committed on broker 1's led partition ({@link BrokerOneFixture}, ISR 1, 2, 3): a
 * transaction holds the last stable offset until its marker is on the ISR, a parked fetch wakes
 * when it moves, and the aborted transaction is listed for the consumer to skip.
 */
class ReadCommittedFetchTest {
    private static final long PID = 9;

    @TempDir
    Path dir;
    private BrokerOneFixture broker;
    private Partition led;

    @BeforeEach
    void start() {
        broker = new BrokerOneFixture(dir, ReadReplicaSelector.NONE);
        led = broker.partition(LED);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void anAbortedTransactionHoldsTheLastStableOffsetThenIsListed() {
        led.appendAsLeader(MemoryRecords.withTransactionalRecords(Compression.NONE, PID, (short) 0, 0,
                record("t1"), record("t2")), (short) 1);
        led.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, record("plain")), (short) 1);
        replicateTo(3);

        FetchResponseData.PartitionData open = fetch(IsolationLevel.READ_COMMITTED, 0);
        assertThat(List.of(open.highWatermark(), open.lastStableOffset())).containsExactly(3L, 0L);
        assertThat(((Records) open.records()).sizeInBytes()).isZero();
        assertThat(fetch(IsolationLevel.READ_UNCOMMITTED, 0).lastStableOffset()).isZero();
        assertThat(latest(IsolationLevel.READ_COMMITTED)).isZero();
        assertThat(latest(IsolationLevel.READ_UNCOMMITTED)).isEqualTo(3);

        CompletableFuture<ApiMessage> parked = broker.fetch.handle(BrokerOneFixture.context(ApiKeys.FETCH, 17),
                request(IsolationLevel.READ_COMMITTED, 0, 30_000));
        led.appendMarker(PID, (short) 0, false, 1);
        assertThat(parked).as("the marker is not on the ISR yet").isNotDone();
        replicateTo(4);
        assertThat(parked).as("woken when the last stable offset moves").isDone();

        FetchResponseData.PartitionData decided = partition(BrokerOneFixture.overTheWire(ApiKeys.FETCH, parked, 17));
        assertThat(decided.lastStableOffset()).isEqualTo(4);
        assertThat(decided.abortedTransactions()).extracting(FetchResponseData.AbortedTransaction::producerId,
                FetchResponseData.AbortedTransaction::firstOffset).containsExactly(tuple(PID, 0L));
        assertThat(((Records) decided.records()).sizeInBytes()).isPositive();
        assertThat(latest(IsolationLevel.READ_COMMITTED)).isEqualTo(4);
    }

    private void replicateTo(long offset) {
        led.updateFollowerFetchState(2, offset);
        led.updateFollowerFetchState(3, offset);
    }

    private FetchResponseData.PartitionData fetch(IsolationLevel isolation, long offset) {
        return partition(BrokerOneFixture.call(broker.fetch, request(isolation, offset, 0), 17));
    }

    private long latest(IsolationLevel isolation) {
        ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1).setIsolationLevel(isolation.id())
                .setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName(LED.topic()).setPartitions(List.of(
                        new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(LED.partition())
                                .setTimestamp(ListOffsetsRequest.LATEST_TIMESTAMP)))));
        ListOffsetsResponse response = (ListOffsetsResponse) BrokerOneFixture.call(broker.listOffsets, request, 9);
        ListOffsetsResponseData.ListOffsetsPartitionResponse p = response.data().topics().get(0).partitions().get(0);
        return p.offset();
    }

    private static FetchRequestData request(IsolationLevel isolation, long offset, int maxWaitMs) {
        return new FetchRequestData().setMaxWaitMs(maxWaitMs).setMinBytes(1).setMaxBytes(1 << 20)
                .setIsolationLevel(isolation.id()).setReplicaId(-1)
                .setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(-1))
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(LED.topic()).setTopicId(TOPIC_ID)
                        .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(LED.partition())
                                .setCurrentLeaderEpoch(EPOCH).setFetchOffset(offset).setPartitionMaxBytes(1 << 20)))));
    }

    private static FetchResponseData.PartitionData partition(org.apache.kafka.common.requests.AbstractResponse response) {
        return ((FetchResponse) response).data().responses().get(0).partitions().get(0);
    }

    private static SimpleRecord record(String value) {
        return new SimpleRecord(1_000L, null, value.getBytes(StandardCharsets.UTF_8));
    }
}
