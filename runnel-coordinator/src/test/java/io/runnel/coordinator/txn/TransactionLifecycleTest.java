package io.runnel.coordinator.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static io.runnel.coordinator.txn.CoordinatorFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Transactions of version 1 producers (EndTxn v0-4): commit, abort, retries and the errors of each step. */
class TransactionLifecycleTest {
    private final CoordinatorFixture f = new CoordinatorFixture();
    private InitProducerIdResponseData producer;

    @BeforeEach
    void start() {
        f.elect(5);
        producer = f.init("tx");
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aCommitPreparesWritesTheMarkersThenCompletes() {
        assertThat(producer.errorCode()).isZero();
        assertThat(producer.producerId()).isEqualTo(1000);
        assertThat(producer.producerEpoch()).isZero();
        assertThat(f.state("tx")).isEqualTo("Empty");

        assertThat(f.add("tx", 1000, (short) 0, "t-0", "t-1")).containsOnly(
                Map.entry("t-0", Errors.NONE), Map.entry("t-1", Errors.NONE));
        assertThat(f.state("tx")).isEqualTo("Ongoing");
        f.markers.hold(true);
        EndTxnResponseData ended = f.end("tx", 1000, (short) 0, true, 4);
        assertThat(ended.errorCode()).isZero();
        assertThat(f.state("tx")).isEqualTo("PrepareCommit");

        FakeMarkerWriter.Call call = f.markers.last();
        assertThat(call.producerId()).isEqualTo(1000);
        assertThat(call.producerEpoch()).isZero();
        assertThat(call.commit()).isTrue();
        assertThat(call.coordinatorEpoch()).isEqualTo(5);
        assertThat(call.partitions()).containsExactlyInAnyOrder(new TopicPartition("t", 0), new TopicPartition("t", 1));
        // While the markers are written, the same end is CONCURRENT_TRANSACTIONS, the other INVALID_TXN_STATE.
        assertThat(f.end("tx", 1000, (short) 0, true, 4).errorCode()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS.code());
        assertThat(f.end("tx", 1000, (short) 0, false, 4).errorCode()).isEqualTo(Errors.INVALID_TXN_STATE.code());
        assertThat(f.add("tx", 1000, (short) 0, "t-2")).containsValue(Errors.CONCURRENT_TRANSACTIONS);

        f.markers.releaseAll();
        await().until(() -> f.state("tx").equals("CompleteCommit"));
        DescribeTransactionsResponseData.TransactionState described = f.describe("tx");
        assertThat(described.topics()).isEmpty();
        assertThat(described.producerEpoch()).isZero(); // version 1 keeps the epoch
        assertThat(f.end("tx", 1000, (short) 0, true, 4).errorCode()).isZero(); // an idempotent retry
        assertThat(f.end("tx", 1000, (short) 0, false, 4).errorCode()).isEqualTo(Errors.INVALID_TXN_STATE.code());

        // The next transaction of the same producer starts from CompleteCommit.
        assertThat(f.add("tx", 1000, (short) 0, "u-3")).containsOnly(Map.entry("u-3", Errors.NONE));
        assertThat(f.describe("tx").topics()).singleElement().satisfies(t -> assertThat(t.topic()).isEqualTo("u"));
    }

    @Test
    void anAbortCompletesWithAbortMarkers() {
        f.add("tx", 1000, (short) 0, "t-0");
        assertThat(f.end("tx", 1000, (short) 0, false, 3).errorCode()).isZero();
        await().until(() -> f.state("tx").equals("CompleteAbort"));
        assertThat(f.markers.last().commit()).isFalse();
        assertThat(f.end("tx", 1000, (short) 0, false, 3).errorCode()).isZero();
        assertThat(f.end("tx", 1000, (short) 0, true, 3).errorCode()).isEqualTo(Errors.INVALID_TXN_STATE.code());
    }

    @Test
    void endingWithoutATransactionIsInvalidTxnState() {
        assertThat(f.end("tx", 1000, (short) 0, true, 4).errorCode()).isEqualTo(Errors.INVALID_TXN_STATE.code());
        assertThat(f.end("tx", 1000, (short) 0, false, 4).errorCode()).isEqualTo(Errors.INVALID_TXN_STATE.code());
    }

    @Test
    void requestsOfAnotherProducerOrEpochAreRefused() {
        assertThat(f.add("unknown", 1000, (short) 0, "t-0")).containsValue(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(f.add("tx", 999, (short) 0, "t-0")).containsValue(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(f.add("tx", 1000, (short) 1, "t-0")).containsValue(Errors.PRODUCER_FENCED);
        assertThat(f.add("", 1000, (short) 0, "t-0")).containsValue(Errors.INVALID_REQUEST);
        f.add("tx", 1000, (short) 0, "t-0");
        assertThat(f.end("unknown", 1000, (short) 0, true, 4).errorCode())
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING.code());
        assertThat(f.end("tx", 999, (short) 0, true, 4).errorCode()).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING.code());
        assertThat(f.end("tx", 1000, (short) 1, true, 4).errorCode()).isEqualTo(Errors.PRODUCER_FENCED.code());
        assertThat(f.end("", 1000, (short) 0, true, 4).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(f.state("tx")).isEqualTo("Ongoing");
    }

    @Test
    void addingPartitionsAlreadyInTheTransactionWritesNothing() {
        f.add("tx", 1000, (short) 0, "t-0", "t-1");
        int records = f.log.records(0).size();
        assertThat(f.add("tx", 1000, (short) 0, "t-1")).containsOnly(Map.entry("t-1", Errors.NONE));
        assertThat(f.log.records(0)).hasSize(records);
    }

    @Test
    void addOffsetsAddsTheGroupsOffsetsPartition() {
        var response = get(f.coordinator.addOffsetsToTxn(new AddOffsetsToTxnRequestData().setTransactionalId("tx")
                .setProducerId(1000).setProducerEpoch((short) 0).setGroupId("g")));
        assertThat(response.errorCode()).isZero();
        DescribeTransactionsResponseData.TransactionState described = f.describe("tx");
        assertThat(described.transactionState()).isEqualTo("Ongoing");
        assertThat(described.topics()).singleElement().satisfies(t -> {
            assertThat(t.topic()).isEqualTo("__consumer_offsets");
            assertThat(t.partitions()).containsExactly(7);
        });
        assertThat(get(f.coordinator.addOffsetsToTxn(new AddOffsetsToTxnRequestData().setTransactionalId("tx")
                .setProducerId(1000).setProducerEpoch((short) 3).setGroupId("g"))).errorCode())
                .isEqualTo(Errors.PRODUCER_FENCED.code());
    }

    @Test
    void describeShowsTheTransaction() {
        long start = f.time.milliseconds();
        f.add("tx", 1000, (short) 0, "b-1", "a-2", "b-0");
        DescribeTransactionsResponseData.TransactionState described = f.describe("tx");
        assertThat(described.errorCode()).isZero();
        assertThat(described.transactionalId()).isEqualTo("tx");
        assertThat(described.producerId()).isEqualTo(1000);
        assertThat(described.producerEpoch()).isZero();
        assertThat(described.transactionTimeoutMs()).isEqualTo(CoordinatorFixture.TIMEOUT_MS);
        assertThat(described.transactionStartTimeMs()).isEqualTo(start);
        assertThat(described.topics()).extracting(t -> t.topic() + t.partitions())
                .containsExactly("a[2]", "b[0, 1]");
        assertThat(f.describe("absent").errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
        assertThat(f.describe("").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(Set.of(f.state("tx"))).containsExactly("Ongoing");
    }
}
