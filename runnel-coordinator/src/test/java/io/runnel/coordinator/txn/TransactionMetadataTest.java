package io.runnel.coordinator.txn;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transitions of one transactional id, checked against Kafka's table. */
class TransactionMetadataTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private final TransactionMetadata empty = TransactionMetadata.fresh("tx", 7, 1000, 10)
            .incrementProducerEpoch(1000, null, 10);

    @Test
    void aTransactionGoesFromEmptyThroughOngoingAndPrepareToComplete() {
        TransactionMetadata ongoing = empty.addPartitions(Set.of(TP), 20, TransactionMetadata.TV_0);
        assertThat(ongoing.state()).isEqualTo(TransactionState.ONGOING);
        assertThat(ongoing.txnStartTimestamp()).isEqualTo(20);
        assertThat(ongoing.addPartitions(Set.of(new TopicPartition("t", 1)), 30, TransactionMetadata.TV_0)
                .txnStartTimestamp()).isEqualTo(20);
        TransactionMetadata prepared = ongoing.prepareEnd(TransactionState.PREPARE_COMMIT, TransactionMetadata.TV_0,
                -1, 40, false);
        assertThat(prepared.producerEpoch()).isEqualTo(ongoing.producerEpoch());
        TransactionMetadata complete = prepared.complete(50);
        assertThat(complete.state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        assertThat(complete.partitions()).isEmpty();
        assertThat(complete.dead().state()).isEqualTo(TransactionState.DEAD);
    }

    @Test
    void illegalTransitionsAreRefused() {
        assertThatThrownBy(() -> empty.prepareEnd(TransactionState.PREPARE_COMMIT, TransactionMetadata.TV_0, -1, 1,
                false)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(empty::fenceProducerEpoch).isInstanceOf(IllegalStateException.class);
        TransactionMetadata ongoing = empty.addPartitions(Set.of(TP), 20, TransactionMetadata.TV_0);
        assertThatThrownBy(ongoing::dead).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ongoing.incrementProducerEpoch(1000, null, 1))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ongoing.prepareEnd(TransactionState.PREPARE_COMMIT, TransactionMetadata.TV_0, -1, 1,
                false).addPartitions(Set.of(TP), 2, TransactionMetadata.TV_0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFenceBumpsTheEpochOnceAndForgetsTheLastEpoch() {
        TransactionMetadata fenced = empty.addPartitions(Set.of(TP), 20, TransactionMetadata.TV_0).fenceProducerEpoch()
                .prepareEnd(TransactionState.PREPARE_ABORT, TransactionMetadata.TV_0, -1, 30, false);
        assertThat(fenced.state()).isEqualTo(TransactionState.PREPARE_ABORT);
        assertThat(fenced.producerEpoch()).isEqualTo((short) 1);
        assertThat(fenced.lastProducerEpoch()).isEqualTo((short) -1);
    }

    @Test
    void version2BumpsAtTheEndAndRotatesAtCompletionWhenExhausted() {
        TransactionMetadata ongoing = empty.addPartitions(Set.of(TP), 20, TransactionMetadata.TV_2);
        TransactionMetadata prepared = ongoing.prepareEnd(TransactionState.PREPARE_ABORT, TransactionMetadata.TV_2, 99,
                30, false);
        assertThat(prepared.producerEpoch()).isEqualTo((short) 1);
        assertThat(prepared.lastProducerEpoch()).isZero();
        TransactionMetadata complete = prepared.complete(40);
        assertThat(complete.producerId()).isEqualTo(99);
        assertThat(complete.producerEpoch()).isZero();
        assertThat(complete.previousProducerId()).isEqualTo(7);
    }

    @Test
    void anUnexpectedEpochIsFenced() {
        assertThatThrownBy(() -> empty.incrementProducerEpoch(1000, (short) 5, 1))
                .isInstanceOf(ProducerFencedException.class);
    }
}
