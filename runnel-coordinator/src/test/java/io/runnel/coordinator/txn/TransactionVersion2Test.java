package io.runnel.coordinator.txn;

import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Transaction version 2 (KIP-890): partitions added by brokers, verification, an epoch bump at every end. */
class TransactionVersion2Test {
    private static final short EXHAUSTED = Short.MAX_VALUE - 1;
    private final CoordinatorFixture f = new CoordinatorFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void brokersAddAndVerifyPartitionsAndEachEndBumpsTheEpoch() {
        f.elect(2);
        f.init("tx");
        assertThat(f.brokerAdd("tx", 1000, (short) 0, true, "t-0")).containsOnly(
                Map.entry("t-0", Errors.TRANSACTION_ABORTABLE));
        assertThat(f.brokerAdd("tx", 1000, (short) 0, false, "t-0")).containsOnly(Map.entry("t-0", Errors.NONE));
        assertThat(f.brokerAdd("tx", 1000, (short) 0, true, "t-0", "t-1")).containsOnly(
                Map.entry("t-0", Errors.NONE), Map.entry("t-1", Errors.TRANSACTION_ABORTABLE));
        assertThat(f.brokerAdd("tx", 1000, (short) 1, true, "t-0")).containsValue(Errors.PRODUCER_FENCED);
        assertThat(f.brokerAdd("tx", 999, (short) 0, true, "t-0")).containsValue(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(f.brokerAdd("nope", 1000, (short) 0, true, "t-0")).containsValue(Errors.INVALID_PRODUCER_ID_MAPPING);

        f.markers.hold(true);
        EndTxnResponseData ended = f.end("tx", 1000, (short) 0, true, 5);
        assertThat(ended.errorCode()).isZero();
        assertThat(ended.producerId()).isEqualTo(1000);
        assertThat(ended.producerEpoch()).isEqualTo((short) 1);
        assertThat(f.markers.last().producerEpoch()).isEqualTo((short) 1);
        assertThat(f.markers.last().coordinatorEpoch()).isEqualTo(2);
        // A retry (the old epoch) while the markers are written waits; so does verification.
        assertThat(f.end("tx", 1000, (short) 0, true, 5).errorCode()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS.code());
        assertThat(f.end("tx", 1000, (short) 1, true, 5).errorCode()).isEqualTo(Errors.PRODUCER_FENCED.code());
        assertThat(f.brokerAdd("tx", 1000, (short) 1, true, "t-0")).containsValue(Errors.CONCURRENT_TRANSACTIONS);

        f.markers.hold(false);
        f.markers.releaseAll();
        await().until(() -> f.state("tx").equals("CompleteCommit"));
        EndTxnResponseData retried = f.end("tx", 1000, (short) 0, true, 5);
        assertThat(retried.errorCode()).isZero();
        assertThat(retried.producerEpoch()).isEqualTo((short) 1);
        assertThat(f.end("tx", 1000, (short) 0, false, 5).errorCode()).isEqualTo(Errors.INVALID_TXN_STATE.code());
        assertThat(f.end("tx", 1000, (short) 1, true, 5).errorCode()).isEqualTo(Errors.INVALID_TXN_STATE.code());

        // The next transaction uses the bumped epoch.
        assertThat(f.brokerAdd("tx", 1000, (short) 1, false, "t-5")).containsOnly(Map.entry("t-5", Errors.NONE));
        assertThat(f.end("tx", 1000, (short) 1, false, 5).producerEpoch()).isEqualTo((short) 2);
        await().until(() -> f.state("tx").equals("CompleteAbort"));
        assertThat(f.end("tx", 1000, (short) 1, false, 5).errorCode()).isZero(); // an abort retry
    }

    @Test
    void anAbortWithoutATransactionBumpsTheEpochAndWritesNoMarkers() {
        f.elect(0);
        f.init("tx");
        assertThat(f.end("tx", 1000, (short) 0, true, 5).errorCode()).isEqualTo(Errors.INVALID_TXN_STATE.code());
        EndTxnResponseData aborted = f.end("tx", 1000, (short) 0, false, 5);
        assertThat(aborted.errorCode()).isZero();
        assertThat(aborted.producerEpoch()).isEqualTo((short) 1);
        await().until(() -> f.state("tx").equals("CompleteAbort"));
        assertThat(f.markers.calls()).isEmpty();
        // Empty abort again with the current epoch: another bump; with the old one, a retry.
        assertThat(f.end("tx", 1000, (short) 0, false, 5).producerEpoch()).isEqualTo((short) 1);
        await().until(() -> f.state("tx").equals("CompleteAbort"));
        assertThat(f.end("tx", 1000, (short) 1, false, 5).producerEpoch()).isEqualTo((short) 2);
    }

    @Test
    void anEndThatExhaustsTheEpochContinuesWithANewProducerId() {
        f.log.append(0, 0, List.of(TransactionRecords.record(new TransactionMetadata("tx", 42, 42, -1, EXHAUSTED,
                (short) (EXHAUSTED - 1), 60_000, TransactionState.ONGOING, Set.of(new org.apache.kafka.common.TopicPartition("t", 0)),
                5, 5, TransactionMetadata.TV_2))));
        f.elect(0);
        f.markers.hold(true);
        EndTxnResponseData ended = f.end("tx", 42, EXHAUSTED, true, 5);
        assertThat(ended.errorCode()).isZero();
        assertThat(ended.producerId()).isEqualTo(1000);
        assertThat(ended.producerEpoch()).isZero();
        // The markers close the transaction of the old producer id, with the last epoch.
        assertThat(f.markers.last().producerId()).isEqualTo(42);
        assertThat(f.markers.last().producerEpoch()).isEqualTo(Short.MAX_VALUE);
        f.markers.releaseAll();
        await().until(() -> f.state("tx").equals("CompleteCommit"));
        assertThat(f.describe("tx").producerId()).isEqualTo(1000);
        // A retry with the old identity is recognised.
        EndTxnResponseData retried = f.end("tx", 42, EXHAUSTED, true, 5);
        assertThat(retried.errorCode()).isZero();
        assertThat(retried.producerId()).isEqualTo(1000);
        assertThat(retried.producerEpoch()).isZero();
    }

    @Test
    void aFenceOfAVersion2TransactionBumpsTwiceSoTheOldProducerCannotPassForARetry() {
        f.elect(0);
        f.init("tx");
        f.brokerAdd("tx", 1000, (short) 0, false, "t-0");
        assertThat(f.init("tx").errorCode()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS.code());
        assertThat(f.markers.last().producerEpoch()).isEqualTo((short) 2);
        await().until(() -> f.state("tx").equals("CompleteAbort"));
        assertThat(f.end("tx", 1000, (short) 0, false, 5).errorCode()).isEqualTo(Errors.PRODUCER_FENCED.code());
        assertThat(f.end("tx", 1000, (short) 1, false, 5).errorCode()).isZero(); // an abort retry of epoch 1..2
        assertThat(f.init("tx").producerEpoch()).isEqualTo((short) 3);
    }
}
