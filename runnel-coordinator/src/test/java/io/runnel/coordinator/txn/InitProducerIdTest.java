package io.runnel.coordinator.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.runnel.coordinator.txn.CoordinatorFixture.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** InitProducerId: new ids, epoch bumps, fencing an ongoing transaction, KIP-360 recovery, producer id rotation. */
class InitProducerIdTest {
    private static final short EXHAUSTED = Short.MAX_VALUE - 1;
    private final CoordinatorFixture f = new CoordinatorFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aNewIdGetsAProducerIdAndEachInitBumpsTheEpoch() {
        f.elect(0);
        assertThat(f.init("tx")).satisfies(r -> {
            assertThat(r.errorCode()).isZero();
            assertThat(r.producerId()).isEqualTo(1000);
            assertThat(r.producerEpoch()).isZero();
        });
        assertThat(f.init("tx").producerEpoch()).isEqualTo((short) 1);
        assertThat(f.init("other").producerId()).isEqualTo(1001);
        // An existing id takes no producer id from the source.
        assertThat(f.nextProducerId.get()).isEqualTo(1002);
    }

    @Test
    void invalidRequestsAreRefusedBeforeTheShard() {
        assertThat(init(new InitProducerIdRequestData().setTransactionalId("tx").setTransactionTimeoutMs(900_001)))
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(init(new InitProducerIdRequestData().setTransactionalId("tx").setTransactionTimeoutMs(0)))
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(init(new InitProducerIdRequestData().setTransactionalId("").setTransactionTimeoutMs(1000)))
                .isEqualTo(Errors.INVALID_REQUEST);
        assertThat(init(new InitProducerIdRequestData().setTransactionalId("tx").setTransactionTimeoutMs(1000)
                .setProducerId(5).setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(init(new InitProducerIdRequestData().setTransactionalId("tx").setTransactionTimeoutMs(1000)))
                .isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void withoutATransactionalIdOnlyAProducerIdIsHandedOut() {
        InitProducerIdResponseData response = get(f.coordinator.initProducerId(new InitProducerIdRequestData()
                .setTransactionalId(null).setTransactionTimeoutMs(1000)));
        assertThat(response.errorCode()).isZero();
        assertThat(response.producerId()).isEqualTo(1000);
        assertThat(response.producerEpoch()).isZero();
    }

    @Test
    void anOngoingTransactionIsAbortedWithAFencingEpochFirst() {
        f.elect(3);
        f.init("tx");
        f.add("tx", 1000, (short) 0, "t-0");
        f.markers.hold(true);

        assertThat(f.init("tx").errorCode()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS.code());
        assertThat(f.state("tx")).isEqualTo("PrepareAbort");
        FakeMarkerWriter.Call abort = f.markers.last();
        assertThat(abort.commit()).isFalse();
        assertThat(abort.producerEpoch()).isEqualTo((short) 1);
        assertThat(abort.coordinatorEpoch()).isEqualTo(3);
        assertThat(abort.partitions()).containsExactly(new TopicPartition("t", 0));
        assertThat(f.init("tx").errorCode()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS.code()); // still aborting
        // The fenced producer learns it at its next request.
        assertThat(f.end("tx", 1000, (short) 0, true, 4).errorCode()).isEqualTo(Errors.PRODUCER_FENCED.code());
        assertThat(f.add("tx", 1000, (short) 0, "t-1")).containsValue(Errors.PRODUCER_FENCED);

        f.markers.releaseAll();
        await().until(() -> f.state("tx").equals("CompleteAbort"));
        InitProducerIdResponseData retried = f.init("tx");
        assertThat(retried.errorCode()).isZero();
        assertThat(retried.producerId()).isEqualTo(1000);
        assertThat(retried.producerEpoch()).isEqualTo((short) 2);
    }

    @Test
    void kip360AProducerNamingItsCurrentEpochGetsTheNextAndMayRetry() {
        f.elect(0);
        f.init("tx");
        InitProducerIdResponseData bumped = f.init("tx", 1000, (short) 0);
        assertThat(bumped.producerEpoch()).isEqualTo((short) 1);
        // The answer was lost: the same request answers the same epoch.
        InitProducerIdResponseData retried = f.init("tx", 1000, (short) 0);
        assertThat(retried.errorCode()).isZero();
        assertThat(retried.producerEpoch()).isEqualTo((short) 1);
        assertThat(f.init("tx", 1000, (short) 7).errorCode()).isEqualTo(Errors.PRODUCER_FENCED.code());
        assertThat(f.init("tx", 999, (short) 1).errorCode()).isEqualTo(Errors.PRODUCER_FENCED.code());
        // A plain init fences the producer that expected epoch 1.
        assertThat(f.init("tx").producerEpoch()).isEqualTo((short) 2);
        assertThat(f.init("tx", 1000, (short) 0).errorCode()).isEqualTo(Errors.PRODUCER_FENCED.code());
    }

    @Test
    void anExhaustedEpochRotatesTheProducerIdAndARetryOfTheRotationIsRecognised() {
        f.log.append(0, 0, java.util.List.of(TransactionRecords.record(new TransactionMetadata("tx", 42, 42, -1,
                EXHAUSTED, (short) -1, 60_000, TransactionState.COMPLETE_COMMIT, Set.of(), 5, 5, (short) 0))));
        f.elect(0);
        InitProducerIdResponseData rotated = f.init("tx", 42, EXHAUSTED);
        assertThat(rotated.errorCode()).isZero();
        assertThat(rotated.producerId()).isEqualTo(1000);
        assertThat(rotated.producerEpoch()).isZero();
        InitProducerIdResponseData retried = f.init("tx", 42, EXHAUSTED);
        assertThat(retried.errorCode()).isZero();
        assertThat(retried.producerId()).isEqualTo(1000);
        assertThat(retried.producerEpoch()).isZero();
    }

    @Test
    void anExhaustedEpochWithoutExpectationsRotatesToo() {
        f.log.append(0, 0, java.util.List.of(TransactionRecords.record(new TransactionMetadata("tx", 42, 42, -1,
                EXHAUSTED, (short) -1, 60_000, TransactionState.EMPTY, Set.of(), -1, 5, (short) 0))));
        f.elect(0);
        InitProducerIdResponseData rotated = f.init("tx");
        assertThat(rotated.producerId()).isEqualTo(1000);
        assertThat(rotated.producerEpoch()).isZero();
        assertThat(f.describe("tx").producerId()).isEqualTo(1000);
    }

    private Errors init(InitProducerIdRequestData request) {
        return Errors.forCode(get(f.coordinator.initProducerId(request)).errorCode());
    }
}
